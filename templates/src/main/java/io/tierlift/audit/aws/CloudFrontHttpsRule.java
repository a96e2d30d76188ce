package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;
import java.util.Set;

/** Viewers talk HTTPS to CloudFront: every cache behaviour redirects or refuses plain HTTP. */
final class CloudFrontHttpsRule extends CfnRule {
    private static final Set<String> HTTPS = Set.of("redirect-to-https", "https-only");

    CloudFrontHttpsRule() {
        super("aws.cloudfront-https", Severity.HIGH, "every CloudFront cache behaviour is redirect-to-https or https-only",
                "set ViewerProtocolPolicy: redirect-to-https on the default and every other cache behaviour");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource distribution : templates.ofType("AWS::CloudFront::Distribution")) {
            JsonNode config = distribution.properties().path("DistributionConfig");
            check(distribution, "default", config.path("DefaultCacheBehavior"), findings);
            for (JsonNode behaviour : CfnTemplates.listOf(config.path("CacheBehaviors"))) {
                check(distribution, behaviour.path("PathPattern").asText("?"), behaviour, findings);
            }
        }
    }

    private void check(CfnResource distribution, String name, JsonNode behaviour, List<Finding> findings) {
        String policy = behaviour.path("ViewerProtocolPolicy").asText("allow-all");
        if (!HTTPS.contains(policy)) {
            findings.add(at(distribution, "cache behaviour " + name + " has ViewerProtocolPolicy " + policy));
        }
    }
}
