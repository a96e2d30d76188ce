package io.tierlift.descriptor.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the descriptor schema as JSON Schema (draft 2020-12) for editors, e.g. the YAML language
 * server: completion, hover docs and early errors while typing.
 */
public final class JsonSchemaWriter {
    private final ObjectMapper mapper = new ObjectMapper();

    public ObjectNode write(ObjectShape root) {
        ObjectNode schema = mapper.createObjectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", "https://tierlift.io/schema/descriptor.json");
        schema.put("title", "tierlift descriptor");
        schema.setAll(shape(root, true));
        return schema;
    }

    private ObjectNode shape(Shape shape, boolean enforceRequired) {
        ObjectNode node = mapper.createObjectNode();
        node.put("description", shape.description());
        if (shape instanceof ObjectShape object) {
            node.put("type", "object");
            node.put("additionalProperties", false);
            ObjectNode properties = node.putObject("properties");
            ArrayNode required = mapper.createArrayNode();
            for (Field field : object.fields()) {
                // Overlays may override any subset, so nothing below `environments` is required.
                boolean childRequired = enforceRequired && !field.key().equals("environments");
                ObjectNode property = shape(field.shape(), childRequired);
                if (field.defaultValue() != null) {
                    property.putPOJO("default", field.defaultValue());
                }
                if (field.example() != null) {
                    property.putArray("examples").add(field.example());
                }
                properties.set(field.key(), property);
                if (field.required() && enforceRequired) {
                    required.add(field.key());
                }
            }
            if (!required.isEmpty()) {
                node.set("required", required);
            }
        } else if (shape instanceof MapShape map) {
            node.put("type", "object");
            node.put("maxProperties", map.maxEntries());
            ObjectNode names = node.putObject("propertyNames");
            map.keyFormat().jsonPattern().ifPresent(p -> names.put("pattern", p));
            node.set("additionalProperties", shape(map.values(), enforceRequired));
        } else if (shape instanceof ListShape list) {
            node.put("type", "array");
            node.put("minItems", list.minItems());
            node.put("maxItems", list.maxItems());
            if (list.unique()) {
                node.put("uniqueItems", true);
            }
            node.set("items", shape(list.items(), enforceRequired));
        } else {
            scalar((ScalarShape) shape, node);
        }
        return node;
    }

    private void scalar(ScalarShape shape, ObjectNode node) {
        switch (shape.kind()) {
            case STRING -> {
                node.put("type", "string");
                shape.format().jsonPattern().ifPresent(p -> node.put("pattern", p));
                node.put("format", shape.format().name().toLowerCase().replace('_', '-'));
            }
            case INTEGER -> {
                node.put("type", "integer");
                node.put("minimum", (long) shape.min());
                node.put("maximum", (long) shape.max());
            }
            case NUMBER -> {
                node.put("type", "number");
                node.put("minimum", shape.min());
                node.put("maximum", shape.max());
            }
            case BOOLEAN -> node.put("type", "boolean");
            case ENUM -> {
                ArrayNode values = node.putArray("enum");
                shape.allowed().forEach(values::add);
            }
        }
    }
}
