package io.tierlift.aws.client;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.tierlift.aws.testing.CfnXml;
import io.tierlift.aws.testing.LocalAws;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

class AwsClientsTest {

    @Test
    void regionOverrideWinsOverTheDescriptorsRegion() {
        try (AwsClients clients = new AwsClients(AwsSettings.defaults().withRegion("eu-central-1"), Map.<String, String>of()::get)) {
            assertThat(clients.resolveRegion("eu-west-1")).isEqualTo(Region.EU_CENTRAL_1);
        }
        try (AwsClients clients = new AwsClients(AwsSettings.defaults(), Map.<String, String>of()::get)) {
            assertThat(clients.resolveRegion("eu-west-1")).isEqualTo(Region.EU_WEST_1);
        }
    }

    @Test
    void s3UsesPathStyleOnlyBehindACustomEndpoint() {
        try (AwsClients clients = new AwsClients(AwsSettings.defaults(), Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")::get)) {
            assertThat(clients.customEndpoint("S3")).contains(URI.create("http://127.0.0.1:5000"));
        }
        try (AwsClients clients = new AwsClients(AwsSettings.defaults(), Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:5000", "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:6000")::get)) {
            assertThat(clients.customEndpoint("S3")).contains(URI.create("http://127.0.0.1:6000"));
        }
        try (AwsClients clients = new AwsClients(AwsSettings.defaults(), Map.of(
                "AWS_ENDPOINT_URL", "http://127.0.0.1:5000", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")::get)) {
            assertThat(clients.customEndpoint("S3")).isEmpty();
        }
        try (AwsClients clients = new AwsClients(AwsSettings.defaults(), Map.<String, String>of()::get)) {
            assertThat(clients.customEndpoint("S3")).isEmpty();
        }
    }

    /**
     * Operators point tierlift at LocalStack, moto or VPC endpoints with the SDK's own settings; the
     * clients must not shadow them. The system properties below are the SDK's equivalents of
     * AWS_ENDPOINT_URL, AWS_REGION and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, resolved by the same code.
     */
    @Test
    void standardEndpointRegionAndCredentialSettingsReachTheSdk() {
        WireMockServer wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        Map<String, String> properties = Map.of(
                "aws.endpointUrl", "http://127.0.0.1:" + wiremock.port(),
                "aws.region", "eu-west-3",
                "aws.accessKeyId", "AKIDSTANDARD",
                "aws.secretAccessKey", "secret");
        properties.forEach(System::setProperty);
        try (AwsClients clients = new AwsClients(AwsSettings.defaults().withRetries(1, java.time.Duration.ofMillis(1),
                java.time.Duration.ofMillis(1)))) {
            wiremock.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                    .withBody(CfnXml.describeStacks(CfnXml.StackXml.of("s", "CREATE_COMPLETE")))));

            clients.cloudFormation(null).describeStacks(b -> b.stackName("s"));

            wiremock.verify(1, postRequestedFor(urlEqualTo("/"))
                    .withRequestBody(containing("Action=DescribeStacks"))
                    .withHeader("Authorization", matching(".*Credential=AKIDSTANDARD/\\d{8}/eu-west-3/cloudformation/.*")));
            assertThat(clients.customEndpoint("S3")).contains(URI.create("http://127.0.0.1:" + wiremock.port()));
        } finally {
            properties.keySet().forEach(System::clearProperty);
            wiremock.stop();
        }
    }

    @Test
    void creatingTheFactoryTouchesNothing() {
        // No region, no credentials, no sockets until a client is asked for.
        try (AwsClients clients = LocalAws.clients(URI.create("http://127.0.0.1:9"), 1)) {
            assertThat(clients.settings().maxAttempts()).isEqualTo(1);
        }
    }
}
