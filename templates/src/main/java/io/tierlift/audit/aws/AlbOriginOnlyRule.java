package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/**
 * Web ports (80, 443) are reachable only through CloudFront: a rule admitting them from any CIDR
 * lets clients skip CloudFront and its WAF. World CIDRs are
 * reported by aws.sg-open-ingress; this rule reports the narrower CIDRs that still bypass the edge.
 */
final class AlbOriginOnlyRule extends CfnRule {
    AlbOriginOnlyRule() {
        super("aws.alb-origin-only", Severity.HIGH, "the load balancer admits CloudFront's origin-facing prefix list only",
                "admit ports 80/443 with SourcePrefixListId (com.amazonaws.global.cloudfront.origin-facing), not with a CIDR");
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
        boolean world = v4.equals("0.0.0.0/0") || v6.equals("::/0");
        boolean cidr = !v4.isEmpty() || !v6.isEmpty();
        if (cidr && !world && (Ports.covers(rule, 443) || Ports.covers(rule, 80))) {
            findings.add(at(resource, "web port admitted from " + (v4.isEmpty() ? v6 : v4) + ", bypassing CloudFront"));
        }
    }
}
