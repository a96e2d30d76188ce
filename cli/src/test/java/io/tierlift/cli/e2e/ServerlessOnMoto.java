package io.tierlift.cli.e2e;

import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.cli.Tiers;
import io.tierlift.onprem.tier.ConnectorFactory;
import io.tierlift.render.aws.serverless.ApiStack;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The aws-serverless tier on moto next to a sandbox world: moto runs no Lambda code, so the
 * release command is answered here, and its switch is read back from the function's configuration.
 */
final class ServerlessOnMoto {
    private ServerlessOnMoto() {
    }

    /** tierlift with the aws-serverless release command answered as the example's first migration would. */
    static Cli tierlift(Map<String, String> env, String... args) {
        ReleaseInvoker answered = new AnsweringReleaseInvoker("applied 0001_create_notes\n");
        return Cli.run(context -> Tiers.with(context, ConnectorFactory.jsch(), Optional.of(answered)), env, args);
    }

    /**
     * A copy of the world's descriptor whose backend has no requirements: moto runs no Lambda code
     * and this machine's index lacks wheels for its runtime (as in AwsServerlessMotoTest).
     */
    static Path descriptorWithoutRequirements(SandboxWorld world) throws IOException {
        Path backend = world.appDir.resolve("backend-sls");
        SandboxWorld.copyTree(world.appDir.resolve("backend"), backend);
        Files.writeString(backend.resolve("requirements.txt"), "# no dependencies in the moto test\n");
        Path serverless = world.appDir.resolve("serverless.yaml");
        Files.writeString(serverless, Files.readString(world.descriptor).replace("  path: backend\n", "  path: backend-sls\n"));
        return serverless;
    }

    /** The Lambda's TIERLIFT_MAINTENANCE switch in the version its alias serves (what requests meet), read from moto. */
    static boolean lambdaInMaintenance(CloudFormationClient cfn, LambdaClient lambda) {
        String function = cfn.describeStacks(b -> b.stackName("notes-default-sls-api")).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals("FunctionName")).findFirst().orElseThrow().outputValue();
        var environment = lambda.getFunctionConfiguration(b -> b.functionName(function).qualifier(ApiStack.ALIAS)).environment();
        return environment != null && "on".equals(environment.variables().get("TIERLIFT_MAINTENANCE"));
    }
}
