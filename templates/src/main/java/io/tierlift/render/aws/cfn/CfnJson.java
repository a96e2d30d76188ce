package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes templates and other JSON files the same way every time: two-space indent, one value per
 * line, "\n" line ends and a trailing newline. Resources, parameters and outputs keep the order
 * they were added in; inside resource properties keys are sorted, because CloudFormation ignores
 * their order and a sorted file diffs cleanly.
 */
public final class CfnJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final ObjectWriter writer;

    public CfnJson() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter);
        printer.indentArraysWith(indenter);
        writer = new ObjectMapper().writer(printer);
    }

    public String write(CfnTemplate template) {
        return write(toJson(template));
    }

    /** Any JSON value, as it is (callers decide the key order). */
    public String write(JsonNode node) {
        try {
            return writer.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ObjectNode toJson(CfnTemplate template) {
        ObjectNode root = JSON.objectNode();
        root.put("AWSTemplateFormatVersion", "2010-09-09");
        root.put("Description", template.description());
        if (!template.parameters().isEmpty()) {
            ObjectNode parameters = root.putObject("Parameters");
            template.parameters().forEach((name, p) -> parameters.set(name, parameter(p)));
        }
        if (!template.conditions().isEmpty()) {
            ObjectNode conditions = root.putObject("Conditions");
            template.conditions().forEach((name, c) -> conditions.set(name, sorted(c)));
        }
        ObjectNode resources = root.putObject("Resources");
        for (CfnResource resource : template.resources()) {
            resources.set(resource.logicalId(), resource(resource));
        }
        if (!template.outputs().isEmpty()) {
            ObjectNode outputs = root.putObject("Outputs");
            for (CfnOutput output : template.outputs()) {
                ObjectNode o = outputs.putObject(output.name());
                o.put("Description", output.description());
                o.set("Value", sorted(output.value()));
            }
        }
        return root;
    }

    private static ObjectNode parameter(CfnParameter p) {
        ObjectNode node = JSON.objectNode();
        node.put("Type", p.type());
        node.put("Description", p.description());
        p.defaultValue().ifPresent(v -> node.put("Default", v));
        p.allowedPattern().ifPresent(v -> node.put("AllowedPattern", v));
        p.constraintDescription().ifPresent(v -> node.put("ConstraintDescription", v));
        return node;
    }

    private static ObjectNode resource(CfnResource r) {
        ObjectNode node = JSON.objectNode();
        node.put("Type", r.type());
        r.condition().ifPresent(c -> node.put("Condition", c));
        if (!r.dependsOn().isEmpty()) {
            ArrayNode depends = node.putArray("DependsOn");
            r.dependsOn().forEach(depends::add);
        }
        r.creationPolicy().ifPresent(p -> node.set("CreationPolicy", sorted(p)));
        r.updatePolicy().ifPresent(p -> node.set("UpdatePolicy", sorted(p)));
        r.deletionPolicy().ifPresent(p -> node.put("DeletionPolicy", p));
        r.updateReplacePolicy().ifPresent(p -> node.put("UpdateReplacePolicy", p));
        node.set("Properties", sorted(r.properties()));
        return node;
    }

    /** A copy with object keys sorted at every level; array order is kept (it can matter). */
    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode copy = JSON.objectNode();
            names.forEach(name -> copy.set(name, sorted(node.get(name))));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JSON.arrayNode();
            node.forEach(element -> copy.add(sorted(element)));
            return copy;
        }
        return node.deepCopy();
    }
}
