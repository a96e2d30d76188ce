package io.tierlift.aws.iaas;

import io.tierlift.aws.client.AwsCalls;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.function.Function;

/** Asks Systems Manager (GetParameter) which image the parameter names; a value that is no image id is an error. */
public final class SsmImageLookup implements ImageLookup {
    private final Function<String, SsmClient> clients;
    private final AwsCalls aws = new AwsCalls("SSM");

    public SsmImageLookup(Function<String, SsmClient> clients) {
        this.clients = clients;
    }

    @Override
    public String imageId(String region, String parameterName) {
        String value = aws.call("GetParameter", () -> clients.apply(region).getParameter(b -> b.name(parameterName)))
                .parameter().value();
        if (value == null || !ImageChoice.isImageId(value)) {
            throw new IaasDeployException("SSM parameter " + parameterName + " in " + region + " names no image id (it holds '"
                    + value + "')");
        }
        return value;
    }
}
