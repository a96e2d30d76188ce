package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudFormation intrinsic functions and pseudo parameters as JSON values. Each method only
 * builds a value; nothing here looks anything up, so templates stay pure data.
 */
public final class Fn {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Fn() {
    }

    public static ObjectNode ref(String logicalIdOrParameter) {
        return single("Ref", JSON.textNode(logicalIdOrParameter));
    }

    public static ObjectNode getAtt(String logicalId, String attribute) {
        return single("Fn::GetAtt", JSON.arrayNode().add(logicalId).add(attribute));
    }

    /** {@code Fn::Sub} with references to parameters, resources and pseudo parameters only. */
    public static ObjectNode sub(String text) {
        return single("Fn::Sub", JSON.textNode(text));
    }

    /** {@code Fn::Sub} with named values; the map is written sorted so output is stable. */
    public static ObjectNode sub(String text, Map<String, ?> variables) {
        ObjectNode vars = JSON.objectNode();
        new TreeMap<>(variables).forEach((name, value) -> vars.set(name, Props.toNode(value)));
        return single("Fn::Sub", JSON.arrayNode().add(text).add(vars));
    }

    public static ObjectNode join(String separator, List<?> parts) {
        return single("Fn::Join", JSON.arrayNode().add(separator).add(list(parts)));
    }

    public static ObjectNode join(String separator, JsonNode listValue) {
        return single("Fn::Join", JSON.arrayNode().add(separator).add(listValue));
    }

    public static ObjectNode select(int index, JsonNode listValue) {
        return single("Fn::Select", JSON.arrayNode().add(index).add(listValue));
    }

    /** The availability zones of the stack's own region. */
    public static ObjectNode getAzs() {
        return single("Fn::GetAZs", JSON.textNode(""));
    }

    public static ObjectNode importValue(Object exportName) {
        return single("Fn::ImportValue", Props.toNode(exportName));
    }

    public static ObjectNode base64(JsonNode value) {
        return single("Fn::Base64", value);
    }

    public static ObjectNode ifThen(String condition, Object whenTrue, Object whenFalse) {
        return single("Fn::If", JSON.arrayNode().add(condition).add(Props.toNode(whenTrue)).add(Props.toNode(whenFalse)));
    }

    public static ObjectNode equalTo(Object left, Object right) {
        return single("Fn::Equals", JSON.arrayNode().add(Props.toNode(left)).add(Props.toNode(right)));
    }

    public static ObjectNode not(JsonNode condition) {
        return single("Fn::Not", JSON.arrayNode().add(condition));
    }

    /** Removes a property when used as its value (inside {@code Fn::If}). */
    public static ObjectNode noValue() {
        return ref("AWS::NoValue");
    }

    public static ObjectNode region() {
        return ref("AWS::Region");
    }

    public static ObjectNode stackName() {
        return ref("AWS::StackName");
    }

    /** A JSON list of values converted as {@link Props} converts property values. */
    public static ArrayNode list(List<?> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(v -> array.add(Props.toNode(v)));
        return array;
    }

    public static ArrayNode list(Object... values) {
        return list(List.of(values));
    }

    private static ObjectNode single(String name, JsonNode value) {
        ObjectNode node = JSON.objectNode();
        node.set(name, value);
        return node;
    }
}
