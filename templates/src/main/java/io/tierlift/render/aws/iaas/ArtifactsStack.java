package io.tierlift.render.aws.iaas;

import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;

import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The bucket backend releases are uploaded to. It is its own stack, first in the plan, because the
 * app stack needs it (aws-iaas instances download their release at boot, the aws-serverless
 * function's code is read from it) and the static stack, which needs the app stack's endpoint,
 * comes last. Versioned, so a release key that is overwritten by mistake can still be recovered;
 * old versions expire after 30 days. Both AWS tiers use it as it is.
 */
public final class ArtifactsStack {
    public static final String KEY = "artifacts";
    public static final String BUCKET_NAME = "ArtifactBucketName";
    /** Releases live under this prefix; the app's role may read nothing else. */
    public static final String RELEASE_PREFIX = "releases/";

    private final StackNames names;
    private final String region;

    public ArtifactsStack(StackNames names, String region) {
        this.names = names;
        this.region = region;
    }

    public StackSpec build() {
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " artifacts: private, versioned bucket for backend releases, "
                + "and the secret CloudFront proves itself with to the app's entry point");
        CfnResource bucket = t.add(CfnResource.of("ArtifactBucket", "AWS::S3::Bucket", PrivateBucket.properties()
                .put("VersioningConfiguration", props().put("Status", "Enabled"))
                .put("LifecycleConfiguration", props().put("Rules", List.of(props()
                        .put("Id", "expire-replaced-releases")
                        .put("Status", "Enabled")
                        .put("NoncurrentVersionExpiration", props().put("NoncurrentDays", 30))
                        .put("AbortIncompleteMultipartUpload", props().put("DaysAfterInitiation", 7)))))));
        t.add(CfnResource.of("ArtifactBucketPolicy", "AWS::S3::BucketPolicy", props()
                .put("Bucket", bucket.ref())
                .put("PolicyDocument", props()
                        .put("Version", "2012-10-17")
                        .put("Statement", List.of(PrivateBucket.denyInsecureTransport(bucket))))));
        t.output(BUCKET_NAME, "Bucket the deployer uploads releases to, under " + RELEASE_PREFIX, bucket.ref());
        // Here because this stack comes first in both tiers: the app and static stacks both read it.
        OriginSecret.addTo(t, names);
        return new StackSpec(KEY, names.stack(KEY), region, t.build(), Map.of(), List.of());
    }
}
