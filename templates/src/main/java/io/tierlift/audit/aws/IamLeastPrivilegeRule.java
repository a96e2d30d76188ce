package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/** No policy allows every action on every resource, and no role gets AWS's administrator policy. */
final class IamLeastPrivilegeRule extends CfnRule {
    IamLeastPrivilegeRule() {
        super("aws.iam-least-privilege", Severity.HIGH, "no IAM statement allows '*' actions on '*' resources",
                "name the actions the app needs (e.g. s3:GetObject) on the resources it needs (the artifact prefix, its secret ARN)");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource role : templates.ofType("AWS::IAM::Role")) {
            for (JsonNode policy : CfnTemplates.listOf(role.properties().path("Policies"))) {
                checkDocument(role, policy.path("PolicyDocument"), findings);
            }
            for (JsonNode arn : CfnTemplates.listOf(role.properties().path("ManagedPolicyArns"))) {
                if (arn.toString().contains("AdministratorAccess")) {
                    findings.add(at(role, "role has the AdministratorAccess managed policy"));
                }
            }
        }
        for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")) {
            for (CfnResource policy : templates.ofType(type)) {
                checkDocument(policy, policy.properties().path("PolicyDocument"), findings);
            }
        }
    }

    private void checkDocument(CfnResource resource, JsonNode document, List<Finding> findings) {
        for (JsonNode statement : CfnTemplates.listOf(document.path("Statement"))) {
            if (!statement.path("Effect").asText().equals("Allow")) {
                continue;
            }
            boolean anyAction = CfnTemplates.listOf(statement.path("Action")).stream().anyMatch(a -> a.asText().equals("*"));
            boolean anyResource = CfnTemplates.listOf(statement.path("Resource")).stream().anyMatch(r -> r.asText().equals("*"));
            if (anyAction && anyResource) {
                String sid = statement.path("Sid").asText("");
                findings.add(at(resource, "statement " + (sid.isEmpty() ? "" : sid + " ") + "allows every action on every resource"));
            }
        }
    }
}
