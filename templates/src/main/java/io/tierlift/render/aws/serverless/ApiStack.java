package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.model.LambdaSettings;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.aws.cfn.Iam;
import io.tierlift.render.aws.cfn.Props;
import io.tierlift.render.aws.iaas.AppDbSecret;
import io.tierlift.render.aws.iaas.AppSecret;
import io.tierlift.render.aws.iaas.ArtifactsStack;
import io.tierlift.render.aws.iaas.OriginSecret;
import io.tierlift.render.aws.iaas.StackNames;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BiFunction;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The app tier: the Lambda function running the Flask app through {@link LambdaAdapter}, in the
 * private function subnets, and an API Gateway HTTP API sending {@code /api} and {@code /api/*}
 * to it (payload format 2.0) on the {@code $default} stage, throttled and with access logs. The
 * API's execute-api name is public and an HTTP API has no resource policy, so the adapter answers
 * 403 to requests without the {@link OriginSecret} CloudFront adds. Turning the execute-api
 * endpoint off would not help: CloudFront would then need a custom domain on the API, which is as
 * public as the execute-api name.
 *
 * <p>Releases: the deployer uploads the package under a key named after its content and passes
 * that key as {@code CodeKey}; a new key updates the function's code, an unchanged app keeps its
 * key and the change set has nothing to do for the function.
 *
 * <p>API Gateway invokes the alias {@value #ALIAS}, never the function's latest code: a stack update
 * with new code publishes a version ({@code FunctionVersion}, replaced whenever the code key or the
 * configuration digest changes; replaced versions are retained) while the alias stays on
 * {@code LiveVersion}. The deployer then runs the release command in {@code ReleaseFunction} (the same
 * package and configuration with Lambda's longest timeout: a version keeps the timeout it was published
 * with, and the API's must stay under API Gateway's 30 s) and only when it succeeded moves the alias with
 * a second update of {@code LiveVersion}, recording the version it leaves as {@code PreviousVersion}
 * for {@code deploy --rollback}. Until a first release command succeeded the alias follows
 * {@code $LATEST}: nothing older exists to keep serving. The alias itself points at {@code AliasVersion}:
 * {@code LiveVersion} outside maintenance; during maintenance a version of the same code published with
 * the maintenance switch in its environment, which the deployer publishes before that second update, so
 * the alias moves once and the new code does not serve before maintenance ends.
 */
public final class ApiStack {
    static final String KEY = "api";
    static final String API_DOMAIN_NAME = "ApiDomainName";
    static final String API_ID = "ApiId";
    static final String FUNCTION_NAME = "FunctionName";
    static final String FUNCTION_LOG_GROUP = "FunctionLogGroupName";
    static final String CODE_KEY_PARAMETER = "CodeKey";
    static final String ARTIFACT_BUCKET_PARAMETER = "ArtifactBucketName";
    static final String FUNCTION = "Function";
    static final String DB_HOST_PARAMETER = "DbHost";
    static final String RELEASE_FUNCTION = "ReleaseFunction";
    public static final String VERSION = "FunctionVersion";
    public static final String LIVE_ALIAS = "LiveAlias";
    /** The alias API Gateway invokes. */
    public static final String ALIAS = "live";
    public static final String LIVE_VERSION_PARAMETER = "LiveVersion";
    public static final String PREVIOUS_VERSION_PARAMETER = "PreviousVersion";
    public static final String ALIAS_VERSION_PARAMETER = "AliasVersion";
    public static final String CONFIGURATION_DIGEST_PARAMETER = "FunctionConfigurationDigest";
    public static final String RELEASE_FUNCTION_NAME = "ReleaseFunctionName";
    public static final String PUBLISHED_VERSION = "PublishedVersion";
    /** Lambda's longest timeout: a release command (a migration) may take minutes. */
    static final int RELEASE_TIMEOUT_SECONDS = 900;
    /** API Gateway stops waiting for an integration after 30 s. */
    private static final int MAX_INTEGRATION_TIMEOUT_MS = 30_000;
    private static final int LOG_RETENTION_DAYS = 30;
    /** The AWS managed policy that lets Lambda create and remove the function's network interfaces. */
    private static final String VPC_ACCESS_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

    private final StackNames names;
    private final AppDescriptor app;
    private final AwsServerlessTarget target;

    ApiStack(StackNames names, AppDescriptor app, AwsServerlessTarget target) {
        this.names = names;
        this.app = app;
        this.target = target;
    }

    StackSpec build() {
        LambdaSettings lambda = target.lambda();
        LambdaRuntime runtime = LambdaRuntime.forPython(app.backend().python());
        LambdaArchitecture architecture = LambdaArchitecture.of(lambda.architecture());
        boolean appSecret = app.backend().hasSecretEnv();
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " api: HTTP API, /api/* to a Lambda function ("
                + runtime.name() + ", " + architecture.lambdaName() + ", " + lambda.memoryMb() + " MB, "
                + lambda.timeoutSeconds() + " s) running " + app.backend().wsgi());
        Map<String, ParameterSource> sources = new LinkedHashMap<>();

        JsonNode bucket = t.parameter(ARTIFACT_BUCKET_PARAMETER, CfnParameter.string("Bucket holding the releases (artifacts stack)"));
        sources.put(ARTIFACT_BUCKET_PARAMETER, new ParameterSource.StackOutput(ArtifactsStack.KEY, ArtifactsStack.BUCKET_NAME));
        JsonNode codeKey = t.parameter(CODE_KEY_PARAMETER, CfnParameter.string("Key of the Lambda package (zip) in the artifact "
                        + "bucket, named after its content; a new key deploys new code")
                .withPattern("^" + ArtifactsStack.RELEASE_PREFIX + "[A-Za-z0-9._/-]{1,900}\\.zip$",
                        "a .zip key under " + ArtifactsStack.RELEASE_PREFIX + " of letters, digits, '.', '_', '-' and '/'"));
        sources.put(CODE_KEY_PARAMETER, new ParameterSource.DeployTime("lambda-package-key",
                "the key tierlift deploy uploads the Lambda package to, under " + ArtifactsStack.RELEASE_PREFIX));
        t.parameter(CONFIGURATION_DIGEST_PARAMETER, CfnParameter.string("Digest of what the function runs: the code key, "
                        + "this template and the values it takes from other stacks; a new digest publishes a new version")
                .withPattern("^[0-9a-f]{64}$", "a SHA-256 in hex"));
        sources.put(CONFIGURATION_DIGEST_PARAMETER, new ParameterSource.DeployTime("function-configuration-digest",
                "computed by tierlift deploy from the code key, this template and the values it takes from other stacks"));
        JsonNode liveVersion = t.parameter(LIVE_VERSION_PARAMETER, CfnParameter.string("The version the alias " + ALIAS
                        + " serves: moved by tierlift deploy only after the release command succeeded in the new version")
                .withPattern("^(\\$LATEST|[0-9]+)$", "$LATEST or a version number"));
        sources.put(LIVE_VERSION_PARAMETER, new ParameterSource.DeployTime("live-version",
                "the version the alias serves now (from the live stack; $LATEST before a first release)"));
        t.parameter(PREVIOUS_VERSION_PARAMETER, CfnParameter.string("The version the alias "
                        + "served before LiveVersion, which deploy --rollback goes back to; empty when there is none")
                .withPattern("^([0-9]+)?$", "a version number or nothing"));
        sources.put(PREVIOUS_VERSION_PARAMETER, new ParameterSource.DeployTime("previous-version",
                "the version the alias served before (from the live stack)"));
        // Not always LiveVersion: during maintenance the alias points at a version of the live code
        // published with the maintenance switch on, and a deploy moves it straight to such a version
        // of the new code, so the new code never serves while maintenance is on.
        JsonNode aliasVersion = t.parameter(ALIAS_VERSION_PARAMETER, CfnParameter.string("The version the alias " + ALIAS
                        + " points at: LiveVersion, or during maintenance a version of it published with the maintenance switch on")
                .withPattern("^(\\$LATEST|[0-9]+)$", "$LATEST or a version number"));
        sources.put(ALIAS_VERSION_PARAMETER, new ParameterSource.DeployTime("alias-version",
                "the version the alias points at (LiveVersion, or its maintenance version while maintenance is on)"));
        JsonNode subnets = t.parameter("FunctionSubnetIds", CfnParameter.of("List<AWS::EC2::Subnet::Id>",
                "Private subnets of the function (network stack)"));
        sources.put("FunctionSubnetIds", new ParameterSource.StackOutput(ServerlessNetworkStack.KEY,
                ServerlessNetworkStack.FUNCTION_SUBNET_IDS));
        JsonNode securityGroup = t.parameter("FunctionSecurityGroupId", CfnParameter.of("AWS::EC2::SecurityGroup::Id",
                "Security group of the function (network stack)"));
        sources.put("FunctionSecurityGroupId", new ParameterSource.StackOutput(ServerlessNetworkStack.KEY,
                ServerlessNetworkStack.FUNCTION_SECURITY_GROUP_ID));
        DatabasePath databasePath = DatabasePath.of(target);
        JsonNode dbHost = t.parameter(DB_HOST_PARAMETER, CfnParameter.string(databasePath == DatabasePath.PROXY
                ? "Host name of the RDS Proxy (data stack)" : "Host name of the cluster's writer (data stack)"));
        sources.put(DB_HOST_PARAMETER, new ParameterSource.StackOutput(AuroraStack.KEY, AuroraStack.APP_DB_HOST));
        JsonNode dbSecret = t.parameter("DbSecretArn", CfnParameter.string(
                "Secret with the database credentials, managed by RDS (data stack)"));
        sources.put("DbSecretArn", new ParameterSource.StackOutput(AuroraStack.KEY, AuroraStack.DB_SECRET_ARN));
        JsonNode appDbSecret = t.parameter("AppDbSecretArn", CfnParameter.string(
                "Secret with the app database role's credentials (data stack)"));
        sources.put("AppDbSecretArn", new ParameterSource.StackOutput(AuroraStack.KEY, AppDbSecret.OUTPUT));
        List<JsonNode> readableSecrets = new ArrayList<>(List.of(dbSecret, appDbSecret));
        Map<String, Object> tierlift = new LinkedHashMap<>();
        tierlift.put(LambdaEnvironment.DB_SECRET_ARN, dbSecret);
        tierlift.put(LambdaEnvironment.APP_DB_SECRET_ARN, appDbSecret);
        tierlift.put(LambdaEnvironment.DB_HOST, dbHost);
        tierlift.put(LambdaEnvironment.DB_PORT, String.valueOf(databasePath.port(app.database().port())));
        tierlift.put(LambdaEnvironment.DB_NAME, app.database().name());
        // The adapter refuses requests without CloudFront's origin secret: the execute-api name is public. It
        // reads the values labelled AWSCURRENT and AWSPREVIOUS itself rather than versions pinned here: the alias
        // moves to this stack's new version only after the static stack has pointed CloudFront at a new value.
        JsonNode originSecret = OriginSecret.arnParameter(t, sources);
        readableSecrets.add(originSecret);
        tierlift.put(LambdaEnvironment.ORIGIN_SECRET_ARN, originSecret);
        if (appSecret) {
            JsonNode secret = t.parameter("AppSecretArn", CfnParameter.string(
                    "Secret with the app's secret environment variables (data stack)"));
            sources.put("AppSecretArn", new ParameterSource.StackOutput(AuroraStack.KEY, AppSecret.OUTPUT));
            readableSecrets.add(secret);
            tierlift.put(LambdaEnvironment.APP_SECRET_ARN, secret);
        }

        CfnResource functionLogs = t.add(logGroup("FunctionLogGroup", functionLogGroup(names)));
        CfnResource accessLogs = t.add(logGroup("ApiAccessLogGroup", accessLogGroup(names)));
        CfnResource role = t.add(functionRole(readableSecrets, functionLogs));

        Map<String, Object> variables = LambdaEnvironment.build(app.backend(), tierlift);
        // What the API function and the release function share: package, runtime, network, variables, logs.
        BiFunction<String, Integer, Props> functionProperties = (description, timeoutSeconds) -> props()
                .put("Description", description)
                .put("Runtime", runtime.name())
                .put("Handler", LambdaAdapter.HANDLER)
                .put("Architectures", List.of(architecture.lambdaName()))
                .put("MemorySize", lambda.memoryMb())
                .put("Timeout", timeoutSeconds)
                .put("Role", role.att("Arn"))
                .put("Code", props().put("S3Bucket", bucket).put("S3Key", codeKey))
                .put("VpcConfig", props()
                        .put("SubnetIds", subnets)
                        .put("SecurityGroupIds", List.of(securityGroup)))
                .put("Environment", props().put("Variables", variables))
                .put("LoggingConfig", props()
                        .put("LogGroup", functionLogs.ref())
                        .put("LogFormat", "Text"));
        Props function = functionProperties.apply(names.prefix() + " API: " + app.backend().wsgi() + " behind "
                        + LambdaAdapter.FILE, lambda.timeoutSeconds())
                .putIf(reservedConcurrency(lambda, databasePath).isPresent(), "ReservedConcurrentExecutions",
                        reservedConcurrency(lambda, databasePath).orElse(0));
        CfnResource fn = t.add(CfnResource.of(FUNCTION, "AWS::Lambda::Function", function));
        // The same package and configuration, invoked only by the deployer; no API Gateway permission.
        CfnResource releaseFn = t.add(CfnResource.of(RELEASE_FUNCTION, "AWS::Lambda::Function", functionProperties.apply(
                names.prefix() + " release command of " + app.backend().wsgi() + " (invoked by tierlift deploy)",
                RELEASE_TIMEOUT_SECONDS)));
        // Replaced (a new version published) when the digest of code and configuration changes; the
        // replaced version is kept so that the alias can go back to it (deleted with the function).
        CfnResource version = t.add(CfnResource.of(VERSION, "AWS::Lambda::Version", props()
                .put("FunctionName", fn.ref())
                .put("Description", Fn.sub("tierlift release ${" + CONFIGURATION_DIGEST_PARAMETER + "}")))
                .onDeleteAndReplace("Retain"));
        CfnResource alias = t.add(CfnResource.of(LIVE_ALIAS, "AWS::Lambda::Alias", props()
                .put("FunctionName", fn.ref())
                .put("Name", ALIAS)
                .put("FunctionVersion", aliasVersion)
                .put("Description", Fn.sub("The version API Gateway invokes; before it: ${" + PREVIOUS_VERSION_PARAMETER + "}"))));

        CfnResource api = t.add(CfnResource.of("HttpApi", "AWS::ApiGatewayV2::Api", props()
                .put("Name", names.resource("api"))
                .put("Description", names.prefix() + " API, reached through CloudFront")
                .put("ProtocolType", "HTTP")));
        CfnResource integration = t.add(CfnResource.of("ApiIntegration", "AWS::ApiGatewayV2::Integration", props()
                .put("ApiId", api.ref())
                .put("IntegrationType", "AWS_PROXY")
                .put("IntegrationUri", alias.ref())
                .put("PayloadFormatVersion", "2.0")
                // The function's own timeout plus a second, so the function's answer (or its error) arrives first.
                .put("TimeoutInMillis", Math.min(MAX_INTEGRATION_TIMEOUT_MS, (lambda.timeoutSeconds() + 1) * 1000))));
        JsonNode integrationTarget = Fn.sub("integrations/${" + integration.logicalId() + "}");
        t.add(route("ApiRoute", api, "ANY /api/{proxy+}", integrationTarget));
        t.add(route("ApiRootRoute", api, "ANY /api", integrationTarget));
        t.add(CfnResource.of("ApiStage", "AWS::ApiGatewayV2::Stage", props()
                .put("ApiId", api.ref())
                .put("StageName", "$default")
                .put("AutoDeploy", true)
                .put("DefaultRouteSettings", props()
                        .put("ThrottlingRateLimit", target.apiThrottleRate())
                        .put("ThrottlingBurstLimit", target.apiThrottleBurst()))
                .put("AccessLogSettings", props()
                        .put("DestinationArn", accessLogs.att("Arn"))
                        .put("Format", accessLogFormat()))));
        t.add(CfnResource.of("ApiInvokePermission", "AWS::Lambda::Permission", props()
                .put("Action", "lambda:InvokeFunction")
                .put("FunctionName", alias.ref())
                .put("Principal", "apigateway.amazonaws.com")
                // Only this API may invoke the function through API Gateway.
                .put("SourceArn", Fn.sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${"
                        + api.logicalId() + "}/*"))));

        t.output(API_DOMAIN_NAME, "DNS name of the HTTP API (CloudFront's API origin)",
                Fn.sub("${" + api.logicalId() + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}"));
        t.output(API_ID, "The HTTP API", api.ref());
        t.output(FUNCTION_NAME, "The function API Gateway invokes through the alias " + ALIAS, fn.ref());
        t.output(RELEASE_FUNCTION_NAME, "The function the deployer invokes to run the release command", releaseFn.ref());
        t.output(PUBLISHED_VERSION, "The version this stack's code and configuration were published as", version.att("Version"));
        t.output(LIVE_VERSION_PARAMETER, "The version the alias " + ALIAS + " (what API Gateway invokes) serves", liveVersion);
        t.output(FUNCTION_LOG_GROUP, "Log group of the function", functionLogs.ref());
        // The function's role is unnamed, so CAPABILITY_IAM (not _NAMED_IAM) is enough.
        return new StackSpec(KEY, names.stack(KEY), target.region(), t.build(), sources, List.of("CAPABILITY_IAM"));
    }

    /**
     * The descriptor's reserved concurrency; without one, a function that connects to the cluster
     * directly (no proxy pooling its connections) is capped, so a burst cannot use up the writer's
     * connections.
     */
    static OptionalInt reservedConcurrency(LambdaSettings lambda, DatabasePath path) {
        if (lambda.reservedConcurrency().isPresent()) {
            return OptionalInt.of(lambda.reservedConcurrency().get());
        }
        return path == DatabasePath.DIRECT ? OptionalInt.of(DatabasePath.DIRECT_CONCURRENCY_CAP) : OptionalInt.empty();
    }

    /**
     * One JSON object per request: who asked for what, the answer, and how long the function took
     * (with the integration's error message, which is where a function crash shows up).
     */
    static String accessLogFormat() {
        ObjectNode format = JsonNodeFactory.instance.objectNode();
        format.put("requestId", "$context.requestId");
        format.put("time", "$context.requestTime");
        format.put("sourceIp", "$context.identity.sourceIp");
        format.put("method", "$context.httpMethod");
        format.put("path", "$context.path");
        format.put("routeKey", "$context.routeKey");
        format.put("status", "$context.status");
        format.put("responseLength", "$context.responseLength");
        format.put("latencyMs", "$context.responseLatency");
        format.put("integrationLatencyMs", "$context.integrationLatency");
        format.put("integrationError", "$context.integrationErrorMessage");
        return format.toString();
    }

    /** The function's log group (its own and the app's lines); {@code tierlift logs} reads it. */
    public static String functionLogGroup(StackNames names) {
        return "/tierlift/" + names.prefix() + "/function";
    }

    /** The HTTP API's access log group. */
    public static String accessLogGroup(StackNames names) {
        return "/tierlift/" + names.prefix() + "/api-access";
    }

    private static CfnResource logGroup(String logicalId, String name) {
        return CfnResource.of(logicalId, "AWS::Logs::LogGroup", props()
                .put("LogGroupName", name)
                .put("RetentionInDays", LOG_RETENTION_DAYS))
                // Deleted with the stack: its fixed name would otherwise block deploying the stack again.
                .onDeleteAndReplace("Delete");
    }

    private static CfnResource route(String logicalId, CfnResource api, String routeKey, JsonNode target) {
        return CfnResource.of(logicalId, "AWS::ApiGatewayV2::Route", props()
                .put("ApiId", api.ref())
                .put("RouteKey", routeKey)
                .put("AuthorizationType", "NONE")
                .put("Target", target));
    }

    /**
     * The function may read the database secret (and the app's secret), and write its own log
     * group. AWS's managed VPC access policy adds what Lambda needs for the function's network
     * interfaces in the VPC. No wildcard actions, and no statement of ours on every resource.
     */
    private CfnResource functionRole(List<JsonNode> secrets, CfnResource logGroup) {
        return CfnResource.of("FunctionRole", "AWS::IAM::Role", props()
                .put("Description", names.prefix() + " API function")
                .put("AssumeRolePolicyDocument", Iam.assumedBy("lambda.amazonaws.com"))
                .put("ManagedPolicyArns", List.of(Fn.sub(VPC_ACCESS_POLICY)))
                .put("Policies", List.of(Iam.inlinePolicy("api-function", List.of(
                        Iam.allow("ReadSecrets", "secretsmanager:GetSecretValue", secrets),
                        Iam.allow("WriteLogs", List.of("logs:CreateLogStream", "logs:PutLogEvents"), logGroup.att("Arn")))))));
    }
}
