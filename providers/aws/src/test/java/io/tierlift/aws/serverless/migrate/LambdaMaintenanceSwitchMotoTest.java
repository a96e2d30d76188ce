package io.tierlift.aws.serverless.migrate;

import io.tierlift.aws.secretsmanager.SecretsManagerResolver;
import io.tierlift.aws.testing.MotoServer;
import io.tierlift.aws.testing.RecordingProgress;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The maintenance switch's Lambda calls against moto: the variable comes and goes while the
 * function's other variables stay as they were; a second "on" sends nothing. And the
 * Secrets Manager reader that turns the cluster's RDS-managed secret into its password.
 */
@Tag("moto")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LambdaMaintenanceSwitchMotoTest {
    private static final String REGION = "eu-west-1";
    private static MotoServer moto;
    private LambdaClient lambda;
    private SecretsManagerClient secrets;
    private final RecordingProgress progress = new RecordingProgress();

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void clients() throws IOException {
        moto.reset();
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        lambda = LambdaClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint()).credentialsProvider(creds)
                .httpClient(UrlConnectionHttpClient.create()).build();
        secrets = SecretsManagerClient.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint()).credentialsProvider(creds)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void close() {
        lambda.close();
        secrets.close();
    }

    @Test
    void onPutsWhatTheAliasServesInMaintenanceAndOffPointsItBackKeepingTheOtherVariables() throws IOException {
        byte[] code = zip();
        String role = createRole("notes-function");
        lambda.createFunction(b -> b.functionName("notes-default-api").runtime(Runtime.PYTHON3_12)
                .role(role).handler("tierlift_lambda.handler")
                .code(c -> c.zipFile(SdkBytes.fromByteArray(code)))
                .environment(e -> e.variables(Map.of("TIERLIFT_DB_HOST", "proxy.example", "TIERLIFT_DB_NAME", "notes"))));
        // As a deploy leaves it: version 1 published and the alias API Gateway invokes on it.
        String serving = lambda.publishVersion(b -> b.functionName("notes-default-api")).version();
        lambda.createAlias(b -> b.functionName("notes-default-api").name("live").functionVersion(serving));
        LambdaMaintenanceSwitch maintenance = new LambdaMaintenanceSwitch(region -> lambda, progress, d -> { }, Clock.systemUTC(),
                Duration.ofMillis(10), Duration.ofSeconds(10));

        assertThat(maintenance.isOn(REGION, "notes-default-api", "live")).isFalse();
        assertThat(maintenance.set(REGION, "notes-default-api", "live", serving, true)).isTrue();
        // A published version never changes: what the alias serves must be a version that has the variable.
        assertThat(aliasVersion()).isNotEqualTo(serving);
        assertThat(variables("live")).isEqualTo(Map.of("TIERLIFT_DB_HOST", "proxy.example", "TIERLIFT_DB_NAME", "notes",
                "TIERLIFT_MAINTENANCE", "on"));
        assertThat(maintenance.isOn(REGION, "notes-default-api", "live")).isTrue();

        String revision = lambda.getFunctionConfiguration(b -> b.functionName("notes-default-api")).revisionId();
        String during = aliasVersion();
        assertThat(maintenance.set(REGION, "notes-default-api", "live", serving, true)).as("already on").isFalse();
        assertThat(lambda.getFunctionConfiguration(b -> b.functionName("notes-default-api")).revisionId()).isEqualTo(revision);
        assertThat(aliasVersion()).isEqualTo(during);

        assertThat(maintenance.set(REGION, "notes-default-api", "live", serving, false)).isTrue();
        assertThat(aliasVersion()).isEqualTo(serving);
        assertThat(variables("live")).isEqualTo(Map.of("TIERLIFT_DB_HOST", "proxy.example", "TIERLIFT_DB_NAME", "notes"));
        assertThat(variables("$LATEST")).as("the function's own configuration is back as well")
                .isEqualTo(Map.of("TIERLIFT_DB_HOST", "proxy.example", "TIERLIFT_DB_NAME", "notes"));
        assertThat(progress.lines()).contains("lambda notes-default-api: maintenance on", "lambda notes-default-api: maintenance off");
    }

    @Test
    void aMissingFunctionIsAnOperatorMessage() {
        LambdaMaintenanceSwitch maintenance = new LambdaMaintenanceSwitch(region -> lambda, progress, d -> { }, Clock.systemUTC(),
                Duration.ofMillis(10), Duration.ofSeconds(10));
        assertThatThrownBy(() -> maintenance.set(REGION, "nope", "live", "1", true)).hasMessageContaining("GetFunctionConfiguration")
                .hasMessageContaining("ResourceNotFound");
    }

    @Test
    void theClustersManagedSecretResolvesToItsPasswordAndOtherSecretsToTheirString() {
        String rds = secrets.createSecret(b -> b.name("rds!cluster-1234")
                .secretString("{\"username\":\"notes\",\"password\":\"p@ss:w/rd\"}")).arn();
        String plain = secrets.createSecret(b -> b.name("notes-token").secretString("t0ken")).arn();
        SecretsManagerResolver resolver = new SecretsManagerResolver(region -> {
            assertThat(region).isEqualTo(REGION);
            return secrets;
        }, "us-east-1");

        assertThat(resolver.apply(SecretRef.parse("${aws-sm:" + rds + "}").orElseThrow()).reveal()).isEqualTo("p@ss:w/rd");
        assertThat(resolver.apply(SecretRef.parse("${aws-sm:" + plain + "}").orElseThrow()).reveal()).isEqualTo("t0ken");
        SecretRef missing = SecretRef.parse("${aws-sm:arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf}").orElseThrow();
        assertThatThrownBy(() -> resolver.apply(missing)).isInstanceOf(SecretUnavailableException.class)
                .hasMessageContaining("gone-AbCdEf");
    }

    /** IAM's CreateRole over the Query protocol: this build carries no IAM SDK module, and moto checks the role exists. */
    private static String createRole(String name) {
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                + "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
        String body = "Action=CreateRole&Version=2010-05-08&RoleName=" + name + "&AssumeRolePolicyDocument="
                + URLEncoder.encode(policy, StandardCharsets.UTF_8);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(moto.endpoint().resolve("/"))
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/iam/aws4_request, "
                            + "SignedHeaders=host, Signature=00")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            Matcher arn = Pattern.compile("<Arn>([^<]+)</Arn>").matcher(response.body());
            assertThat(arn.find()).as(response.body()).isTrue();
            return arn.group(1);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("IAM CreateRole failed: " + e, e);
        }
    }

    private Map<String, String> variables(String qualifier) {
        return lambda.getFunctionConfiguration(b -> b.functionName("notes-default-api").qualifier(qualifier)).environment().variables();
    }

    private String aliasVersion() {
        return lambda.getAlias(b -> b.functionName("notes-default-api").name("live")).functionVersion();
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("tierlift_lambda.py"));
            zip.write("def handler(event, context):\n    return {}\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }
}
