package io.tierlift.render.aws.iaas;

import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.aws.cfn.Props;

import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * An S3 bucket nobody reaches directly: all four public-access blocks on, default encryption,
 * ACLs disabled (BucketOwnerEnforced), and a policy statement refusing plain-HTTP requests.
 * Buckets are named by CloudFormation (globally unique names are a collision risk).
 */
final class PrivateBucket {
    private PrivateBucket() {
    }

    static Props properties() {
        return props()
                .put("PublicAccessBlockConfiguration", props()
                        .put("BlockPublicAcls", true)
                        .put("BlockPublicPolicy", true)
                        .put("IgnorePublicAcls", true)
                        .put("RestrictPublicBuckets", true))
                .put("BucketEncryption", props().put("ServerSideEncryptionConfiguration", List.of(props()
                        .put("ServerSideEncryptionByDefault", props().put("SSEAlgorithm", "AES256")))))
                .put("OwnershipControls", props().put("Rules", List.of(props().put("ObjectOwnership", "BucketOwnerEnforced"))));
    }

    static Props denyInsecureTransport(CfnResource bucket) {
        return props()
                .put("Sid", "DenyPlainHttp")
                .put("Effect", "Deny")
                .put("Principal", "*")
                .put("Action", "s3:*")
                .put("Resource", List.of(bucket.att("Arn"), Fn.sub("${" + bucket.logicalId() + ".Arn}/*")))
                .put("Condition", props().put("Bool", Map.of("aws:SecureTransport", "false")));
    }
}
