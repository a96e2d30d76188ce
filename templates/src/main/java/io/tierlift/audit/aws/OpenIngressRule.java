package io.tierlift.audit.aws;

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
        for (CfnTemplates.Ingress ingress : templates.ingress()) {
            if (ingress.fromWorld()) {
                findings.add(at(ingress.resource(), "ingress on " + Ports.describe(ingress.rule()) + " from " + ingress.cidr()));
            }
        }
    }
}
