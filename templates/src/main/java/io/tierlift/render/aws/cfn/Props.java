package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a JSON object (resource properties, policy documents, nested settings) from Java values.
 * Values may be strings, numbers, booleans, JSON nodes, other {@code Props}, lists or maps of
 * those; anything else is a programming error and fails at once rather than printing
 * {@code toString()} into a template.
 */
public final class Props {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final ObjectNode node = JSON.objectNode();

    private Props() {
    }

    public static Props props() {
        return new Props();
    }

    public Props put(String key, Object value) {
        if (node.has(key)) {
            throw new IllegalArgumentException("property " + key + " set twice");
        }
        node.set(key, toNode(value));
        return this;
    }

    /** Sets the key only when {@code condition} holds; keeps optional settings on one line. */
    public Props putIf(boolean condition, String key, Object value) {
        return condition ? put(key, value) : this;
    }

    public ObjectNode toJson() {
        return node.deepCopy();
    }

    static JsonNode toNode(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("null is not a CloudFormation value; leave the property out instead");
        }
        if (value instanceof JsonNode json) {
            return json.deepCopy();
        }
        if (value instanceof Props props) {
            return props.toJson();
        }
        if (value instanceof String text) {
            return JSON.textNode(text);
        }
        if (value instanceof Integer number) {
            return JSON.numberNode(number);
        }
        if (value instanceof Long number) {
            return JSON.numberNode(number);
        }
        if (value instanceof Boolean flag) {
            return JSON.booleanNode(flag);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = JSON.arrayNode();
            list.forEach(v -> array.add(toNode(v)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = JSON.objectNode();
            new TreeMap<>(map).forEach((k, v) -> object.set(String.valueOf(k), toNode(v)));
            return object;
        }
        throw new IllegalArgumentException("not a CloudFormation value: " + value.getClass().getName());
    }
}
