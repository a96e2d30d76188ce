package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/**
 * No security group admits the whole Internet: the edge is CloudFront (no security group), the
 * ALB admits CloudFront's origin-facing prefix list, and everything behind admits its caller's group.
 */
final class OpenIngressRule extends CfnRule {
    OpenIngressRule() {
        super("aws.sg-open-ingress", Severity.HIGH, "no security group ingress from 0.0.0.0/0 or ::/0",
                "admit the calling tier's security group (SourceSecurityGroupId) or CloudFront's prefix list (SourcePrefixListId) instead of a world CIDR");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource group : templates.ofType("AWS::EC2::SecurityGroup")) {
            for (JsonNode rule : CfnTemplates.listOf(group.properties().path("SecurityGroupIngress"))) {
                check(group, rule, findings);
            }
        }
        for (CfnResource rule : templates.ofType("AWS::EC2::SecurityGroupIngress")) {
            check(rule, rule.properties(), findings);
        }
    }

    private void check(CfnResource resource, JsonNode rule, List<Finding> findings) {
        String v4 = rule.path("CidrIp").asText("");
        String v6 = rule.path("CidrIpv6").asText("");
        if (v4.equals("0.0.0.0/0") || v6.equals("::/0")) {
            findings.add(at(resource, "ingress on " + Ports.describe(rule) + " from " + (v4.isEmpty() ? v6 : v4)));
        }
    }
}
