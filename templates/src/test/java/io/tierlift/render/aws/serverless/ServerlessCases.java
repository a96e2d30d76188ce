package io.tierlift.render.aws.serverless;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretView;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The aws-serverless variations every test runs over: min_acu 0 and above, with and without
 * reserved concurrency, eu-west-1 and us-east-1, x86_64 and arm64.
 */
enum ServerlessCases {
    EXAMPLE("serverless-example", "serverless-example.yaml"),
    WARM("serverless-warm", "serverless-warm.yaml"),
    US_EAST_1_ARM64("serverless-us-east-1-arm64", "serverless-us-east-1-arm64.yaml");

    private final String caseName;
    private final String fixture;

    ServerlessCases(String caseName, String fixture) {
        this.caseName = caseName;
        this.fixture = fixture;
    }

    String caseName() {
        return caseName;
    }

    AppDescriptor descriptor() {
        return new DescriptorLoader().load(Path.of("src/test/resources/descriptors", fixture), Optional.empty()).descriptor();
    }

    List<RenderedFile> render() {
        return new AwsServerlessRenderer().render(descriptor(), SecretView.masked());
    }

    /** Resolves every secret to a recognisable value, as a real deploy would: none may reach a file. */
    static SecretView canarySecrets() {
        return new SecretView() {
            @Override
            public String value(SecretRef ref) {
                return canaryFor(ref);
            }

            @Override
            public boolean isMasked() {
                return false;
            }
        };
    }

    static String canaryFor(SecretRef ref) {
        return "CANARY-" + ref.locator().replaceAll("[^A-Za-z0-9]", "-");
    }
}
