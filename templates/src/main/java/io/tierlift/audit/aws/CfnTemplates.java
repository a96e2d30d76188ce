package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.audit.AuditInput;
import io.tierlift.provider.RenderedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CloudFormation templates of an AWS rendering ({@code <stack>.template.json}), as resources,
 * and the stack policies rendered beside them ({@code <stack>.stack-policy.json}).
 * The same view serves aws-iaas and aws-serverless: the rules look at resource types, not at
 * which tier produced them.
 */
final class CfnTemplates {
    private static final String SUFFIX = ".template.json";
    private static final String POLICY_SUFFIX = ".stack-policy.json";
    private final List<CfnResource> resources = new ArrayList<>();
    private final Map<String, JsonNode> stackPolicies = new HashMap<>();
    private final Map<String, JsonNode> parameters = new HashMap<>();

    CfnTemplates(AuditInput input) {
        ObjectMapper json = new ObjectMapper();
        for (RenderedFile file : input.files()) {
            if (file.location().endsWith(POLICY_SUFFIX)) {
                String stack = file.location().substring(0, file.location().length() - POLICY_SUFFIX.length());
                try {
                    stackPolicies.put(stack, json.readTree(file.content()));
                } catch (IOException e) {
                    throw new UncheckedIOException("rendered stack policy " + file.location() + " is not JSON", e);
                }
                continue;
            }
            if (!file.location().endsWith(SUFFIX)) {
                continue;
            }
            String stack = file.location().substring(0, file.location().length() - SUFFIX.length());
            JsonNode template;
            try {
                template = json.readTree(file.content());
            } catch (IOException e) {
                throw new UncheckedIOException("rendered template " + file.location() + " is not JSON", e);
            }
            parameters.put(stack, template.path("Parameters"));
            Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> entry = it.next();
                resources.add(new CfnResource(stack, entry.getKey(), entry.getValue()));
            }
        }
    }

    /** The stack policy rendered for {@code stack}, if it has one. */
    Optional<JsonNode> stackPolicy(String stack) {
        return Optional.ofNullable(stackPolicies.get(stack));
    }

    /** The declared type of parameter {@code name} of {@code stack}'s template, if it declares one. */
    Optional<String> parameterType(String stack, String name) {
        JsonNode parameter = parameters.getOrDefault(stack, com.fasterxml.jackson.databind.node.MissingNode.getInstance()).path(name);
        return parameter.has("Type") ? Optional.of(parameter.path("Type").asText()) : Optional.empty();
    }

    List<CfnResource> resources() {
        return resources;
    }

    List<CfnResource> ofType(String type) {
        return resources.stream().filter(r -> r.type().equals(type)).toList();
    }

    /**
     * One security group ingress rule with the resource that declares it: a group's inline
     * {@code SecurityGroupIngress} entry or a standalone {@code AWS::EC2::SecurityGroupIngress}.
     * {@code cidr} is its IPv4 or IPv6 source range, empty when the source is a group or prefix list.
     */
    record Ingress(CfnResource resource, JsonNode rule) {
        String cidr() {
            String v4 = rule.path("CidrIp").asText("");
            return v4.isEmpty() ? rule.path("CidrIpv6").asText("") : v4;
        }

        boolean fromWorld() {
            return rule.path("CidrIp").asText("").equals("0.0.0.0/0") || rule.path("CidrIpv6").asText("").equals("::/0");
        }
    }

    /** Every ingress rule of every security group, inline or standalone. */
    List<Ingress> ingress() {
        List<Ingress> all = new ArrayList<>();
        for (CfnResource group : ofType("AWS::EC2::SecurityGroup")) {
            for (JsonNode rule : listOf(group.properties().path("SecurityGroupIngress"))) {
                all.add(new Ingress(group, rule));
            }
        }
        for (CfnResource rule : ofType("AWS::EC2::SecurityGroupIngress")) {
            all.add(new Ingress(rule, rule.properties()));
        }
        return all;
    }

    /** A property that may be one value or a list of values, as a list. */
    static List<JsonNode> listOf(JsonNode node) {
        List<JsonNode> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(values::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            values.add(node);
        }
        return values;
    }
}
