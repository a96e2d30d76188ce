package io.tierlift.audit.aws;

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
        for (CfnTemplates.Ingress ingress : templates.ingress()) {
            boolean web = Ports.covers(ingress.rule(), 443) || Ports.covers(ingress.rule(), 80);
            if (!ingress.cidr().isEmpty() && !ingress.fromWorld() && web) {
                findings.add(at(ingress.resource(), "web port admitted from " + ingress.cidr() + ", bypassing CloudFront"));
            }
        }
    }
}
