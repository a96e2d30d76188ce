package io.tierlift.aws.iaas;

/** Reads which image a public SSM parameter (such as Amazon's newest Amazon Linux 2023) names now in a region. */
@FunctionalInterface
public interface ImageLookup {
    String imageId(String region, String parameterName);
}
