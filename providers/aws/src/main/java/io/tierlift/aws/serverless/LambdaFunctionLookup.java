package io.tierlift.aws.serverless;

import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** GetFunctionConfiguration. */
public final class LambdaFunctionLookup implements FunctionLookup {
    private final Function<String, LambdaClient> lambda;

    public LambdaFunctionLookup(Function<String, LambdaClient> lambda) {
        this.lambda = lambda;
    }

    @Override
    public Optional<ServerlessStatus.FunctionState> describe(String region, String functionName) {
        try {
            var config = lambda.apply(region).getFunctionConfiguration(b -> b.functionName(functionName));
            return Optional.of(new ServerlessStatus.FunctionState(config.functionName(), String.valueOf(config.stateAsString()),
                    String.valueOf(config.lastUpdateStatusAsString()), String.valueOf(config.lastModified()), config.codeSha256()));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<PublishedVersion> versions(String region, String functionName) {
        List<PublishedVersion> versions = new ArrayList<>();
        lambda.apply(region).listVersionsByFunctionPaginator(b -> b.functionName(functionName)).versions().forEach(v -> {
            if (!"$LATEST".equals(v.version())) {
                versions.add(new PublishedVersion(v.version(), v.lastModified(), v.codeSha256()));
            }
        });
        return versions;
    }
}
