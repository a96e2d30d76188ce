package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/** Every bucket blocks public access; CloudFront reads the site bucket through origin access control. */
final class S3PublicAccessRule extends CfnRule {
    private static final List<String> FLAGS = List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets");

    S3PublicAccessRule() {
        super("aws.s3-public-access", Severity.HIGH, "every S3 bucket blocks public access (all four flags)",
                "set PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all true");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource bucket : templates.ofType("AWS::S3::Bucket")) {
            JsonNode block = bucket.properties().path("PublicAccessBlockConfiguration");
            List<String> off = FLAGS.stream().filter(f -> !block.path(f).asBoolean(false)).toList();
            if (!off.isEmpty()) {
                findings.add(at(bucket, "public access is not fully blocked: " + String.join(", ", off) + " not true"));
            }
        }
    }
}
