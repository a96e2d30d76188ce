package io.tierlift.aws.iaas;

/** Finds the id of the CloudFront origin-facing managed prefix list in a region. */
@FunctionalInterface
public interface PrefixListLookup {
    String NAME = "com.amazonaws.global.cloudfront.origin-facing";

    String cloudFrontOriginFacing(String region);
}
