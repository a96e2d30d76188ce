package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.provider.RenderedFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The rendered templates of one aws-serverless variation, parsed back, as CloudFormation sees them. */
final class ServerlessStacks {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Map<String, JsonNode> templates = new LinkedHashMap<>();
    private final Map<String, String> texts = new LinkedHashMap<>();

    ServerlessStacks(List<RenderedFile> files) {
        for (RenderedFile file : files) {
            texts.put(file.location(), file.contentAsText());
            if (file.location().endsWith(".template.json")) {
                templates.put(file.location().replace(".template.json", ""), parse(file.contentAsText()));
            }
        }
    }

    static ServerlessStacks of(ServerlessCases variation) {
        return new ServerlessStacks(variation.render());
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + e.getMessage(), e);
        }
    }

    Map<String, JsonNode> templates() {
        return templates;
    }

    JsonNode template(String stack) {
        assertThat(templates).as("rendered stacks").containsKey(stack);
        return templates.get(stack);
    }

    String text(String location) {
        assertThat(texts).as("rendered files").containsKey(location);
        return texts.get(location);
    }

    Map<String, String> texts() {
        return texts;
    }

    JsonNode resource(String stack, String logicalId) {
        JsonNode resource = template(stack).path("Resources").path(logicalId);
        assertThat(resource.isMissingNode()).as("%s has resource %s", stack, logicalId).isFalse();
        return resource;
    }

    JsonNode properties(String stack, String logicalId) {
        return resource(stack, logicalId).path("Properties");
    }

    /** Every resource of a type across all stacks, as "stack/logicalId" → resource. */
    Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        templates.forEach((stack, template) -> template.path("Resources").properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                found.put(stack + "/" + e.getKey(), e.getValue());
            }
        }));
        return found;
    }

    /** Every object anywhere in the templates that has a {@code Statement} list: IAM, bucket and endpoint policies. */
    List<JsonNode> policyStatements() {
        List<JsonNode> statements = new ArrayList<>();
        templates.values().forEach(t -> visit(t, node -> {
            if (node.isObject() && node.path("Statement").isArray()) {
                node.path("Statement").forEach(statements::add);
            }
        }));
        return statements;
    }

    static void visit(JsonNode node, Consumer<JsonNode> visitor) {
        visitor.accept(node);
        node.elements().forEachRemaining(child -> visit(child, visitor));
    }

    /** A JSON value as a list of its elements, or a one-element list for a single value. */
    static List<JsonNode> asList(JsonNode node) {
        List<JsonNode> list = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(list::add);
        } else if (!node.isMissingNode()) {
            list.add(node);
        }
        return list;
    }
}
