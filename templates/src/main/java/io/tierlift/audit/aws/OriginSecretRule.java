package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;
import java.util.Optional;

/**
 * The app's entry point lets in only CloudFront, by a secret CloudFront sends in a request header:
 * CloudFront's origin-facing prefix list admits every distribution of every account, and an HTTP
 * API's execute-api name is public, so without it clients skip the WAF. Checked where the
 * templates can show it: every CloudFront custom origin sends a header whose value is a Secrets
 * Manager dynamic reference; a load balancer listener forwards nothing by default, and each of its
 * forwarding rules requires such a header; a Lambda function behind an HTTP API is given the
 * origin secret to check (the adapter refuses requests without it).
 */
final class OriginSecretRule extends CfnRule {
    static final String SECRET_REFERENCE = "{{resolve:secretsmanager:";
    static final String FUNCTION_SECRET_VARIABLE = "TIERLIFT_ORIGIN_SECRET_ARN";

    OriginSecretRule() {
        super("aws.origin-secret", Severity.HIGH, "only requests carrying CloudFront's origin secret reach the app",
                "CloudFront adds a header from Secrets Manager on the API origin; the ALB's default action is a fixed 403 "
                        + "and its rules forward only on that header; the API function gets the secret to check");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource distribution : templates.ofType("AWS::CloudFront::Distribution")) {
            for (JsonNode origin : CfnTemplates.listOf(distribution.properties().path("DistributionConfig").path("Origins"))) {
                if (origin.has("CustomOriginConfig") && !sendsSecretHeader(origin)) {
                    findings.add(at(distribution, "origin " + origin.path("Id").asText("?")
                            + " sends no header with a Secrets Manager value: its endpoint cannot tell CloudFront from anyone else"));
                }
            }
        }
        for (CfnResource listener : templates.ofType("AWS::ElasticLoadBalancingV2::Listener")) {
            for (JsonNode action : CfnTemplates.listOf(listener.properties().path("DefaultActions"))) {
                if (action.path("Type").asText().equals("forward")) {
                    findings.add(at(listener, "the default action forwards every request, with or without the origin secret"));
                }
            }
        }
        for (CfnResource rule : templates.ofType("AWS::ElasticLoadBalancingV2::ListenerRule")) {
            boolean forwards = CfnTemplates.listOf(rule.properties().path("Actions")).stream()
                    .anyMatch(a -> a.path("Type").asText().equals("forward"));
            if (forwards && !requiresSecretHeader(rule)) {
                findings.add(at(rule, "forwards without requiring a header holding the origin secret"));
            }
        }
        for (CfnResource integration : templates.ofType("AWS::ApiGatewayV2::Integration")) {
            functionBehind(templates, integration.stack(), integration.properties().path("IntegrationUri")).stream()
                    .filter(f -> !checksSecret(f))
                    .forEach(f -> findings.add(at(f, "answers the HTTP API's public execute-api name without an origin "
                            + "secret to check (" + FUNCTION_SECRET_VARIABLE + ")")));
        }
    }

    /** The function a value names, directly or through an alias or version of it (by Ref or GetAtt). */
    private static Optional<CfnResource> functionBehind(CfnTemplates templates, String stack, JsonNode value) {
        String id = value.has("Ref") ? value.path("Ref").asText() : value.path("Fn::GetAtt").path(0).asText("");
        Optional<CfnResource> named = templates.resources().stream()
                .filter(r -> r.stack().equals(stack) && r.logicalId().equals(id)).findFirst();
        if (named.isEmpty()) {
            return Optional.empty();
        }
        return switch (named.get().type()) {
            case "AWS::Lambda::Function" -> named;
            case "AWS::Lambda::Alias", "AWS::Lambda::Version" ->
                    functionBehind(templates, stack, named.get().properties().path("FunctionName"));
            default -> Optional.empty();
        };
    }

    private static boolean sendsSecretHeader(JsonNode origin) {
        return CfnTemplates.listOf(origin.path("OriginCustomHeaders")).stream()
                .anyMatch(h -> !h.path("HeaderName").asText("").isEmpty() && isSecretReference(h.path("HeaderValue")));
    }

    private static boolean requiresSecretHeader(CfnResource rule) {
        return CfnTemplates.listOf(rule.properties().path("Conditions")).stream()
                .filter(c -> c.path("Field").asText().equals("http-header"))
                .map(c -> CfnTemplates.listOf(c.path("HttpHeaderConfig").path("Values")))
                .anyMatch(values -> !values.isEmpty() && values.stream().allMatch(OriginSecretRule::isSecretReference));
    }

    private static boolean checksSecret(CfnResource function) {
        JsonNode variables = function.properties().path("Environment").path("Variables");
        return variables.has(FUNCTION_SECRET_VARIABLE);
    }

    /** A value CloudFormation takes from Secrets Manager: a dynamic reference, written out or built with Fn::Sub. */
    static boolean isSecretReference(JsonNode value) {
        String text = value.isTextual() ? value.asText() : value.path("Fn::Sub").isTextual() ? value.path("Fn::Sub").asText()
                : value.path("Fn::Sub").path(0).asText("");
        return text.startsWith(SECRET_REFERENCE) && text.endsWith("}}");
    }
}
