package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/** The CloudFront distribution has a WAF web ACL attached. */
final class CloudFrontWafRule extends CfnRule {
    CloudFrontWafRule() {
        super("aws.cloudfront-waf", Severity.HIGH, "every CloudFront distribution has a WAF web ACL",
                "set DistributionConfig.WebACLId to the web ACL of the waf stack (us-east-1, scope CLOUDFRONT)");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource distribution : templates.ofType("AWS::CloudFront::Distribution")) {
            JsonNode acl = distribution.properties().path("DistributionConfig").path("WebACLId");
            if (acl.isMissingNode() || acl.isNull() || (acl.isTextual() && acl.asText().isBlank())) {
                findings.add(at(distribution, "no WAF web ACL (WebACLId)"));
            }
        }
    }
}
