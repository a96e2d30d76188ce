package io.tierlift.render.aws.iaas;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretView;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The aws-iaas variations every test runs over; each is a fixture and, optionally, an environment. */
enum IaasCases {
    EXAMPLE("iaas-example", "iaas-example.yaml", null),
    US_EAST_1_PER_AZ("iaas-us-east-1-per-az", "iaas-us-east-1-per-az.yaml", null),
    HTTP_ONLY_STAGING("iaas-http-only-staging", "iaas-http-only.yaml", "staging"),
    WIDE_SCALING("iaas-wide-scaling", "iaas-wide-scaling.yaml", null),
    DOMAIN("iaas-domain", "iaas-domain.yaml", null);

    private final String caseName;
    private final String fixture;
    private final String environment;

    IaasCases(String caseName, String fixture, String environment) {
        this.caseName = caseName;
        this.fixture = fixture;
        this.environment = environment;
    }

    String caseName() {
        return caseName;
    }

    AppDescriptor descriptor() {
        return new DescriptorLoader().load(Path.of("src/test/resources/descriptors", fixture), Optional.ofNullable(environment))
                .descriptor();
    }

    List<RenderedFile> render() {
        return new AwsIaasRenderer().render(descriptor(), SecretView.masked());
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
