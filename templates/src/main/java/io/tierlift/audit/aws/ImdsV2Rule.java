package io.tierlift.audit.aws;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/** Instances require IMDSv2 session tokens, which blunts SSRF against the metadata service. */
final class ImdsV2Rule extends CfnRule {
    ImdsV2Rule() {
        super("aws.imdsv2", Severity.HIGH, "instances require IMDSv2 (HttpTokens: required)",
                "set LaunchTemplateData.MetadataOptions.HttpTokens: required (and HttpPutResponseHopLimit: 1)");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource template : templates.ofType("AWS::EC2::LaunchTemplate")) {
            String tokens = template.properties().path("LaunchTemplateData").path("MetadataOptions").path("HttpTokens").asText("optional");
            if (!tokens.equals("required")) {
                findings.add(at(template, "instance metadata accepts IMDSv1 (HttpTokens: " + tokens + ")"));
            }
        }
    }
}
