package io.tierlift.descriptor;

import io.tierlift.descriptor.schema.Field;
import io.tierlift.descriptor.schema.ListShape;
import io.tierlift.descriptor.schema.MapShape;
import io.tierlift.descriptor.schema.ObjectShape;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read access to a mapping that has already passed {@link SchemaValidator}: values are known to
 * have the right type, and an absent key yields the schema's default. This is the one place where
 * the descriptor is handled by key name; everything past the binder is typed records.
 */
final class NodeObject {
    private final MappingNode node;
    private final ObjectShape shape;

    NodeObject(MappingNode node, ObjectShape shape) {
        this.node = node;
        this.shape = shape;
    }

    static NodeObject empty(ObjectShape shape) {
        return new NodeObject(null, shape);
    }

    private Optional<Node> value(String key) {
        if (node == null) {
            return Optional.empty();
        }
        for (NodeTuple tuple : node.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return Optional.of(tuple.getValueNode());
            }
        }
        return Optional.empty();
    }

    private Field field(String key) {
        return shape.field(key).orElseThrow(() -> new IllegalArgumentException("schema has no key " + key));
    }

    private Optional<String> scalar(String key) {
        Optional<String> written = value(key).map(n -> ((ScalarNode) n).getValue());
        if (written.isPresent()) {
            return written;
        }
        Object fallback = field(key).defaultValue();
        return fallback == null ? Optional.empty() : Optional.of(String.valueOf(fallback));
    }

    boolean has(String key) {
        return value(key).isPresent();
    }

    Optional<String> optString(String key) {
        return scalar(key);
    }

    String string(String key) {
        return scalar(key).orElseThrow(() -> new IllegalStateException("no value or default for " + key));
    }

    int integer(String key) {
        return Integer.parseInt(string(key));
    }

    Optional<Integer> optInteger(String key) {
        return scalar(key).map(Integer::parseInt);
    }

    double number(String key) {
        return Double.parseDouble(string(key));
    }

    boolean bool(String key) {
        return Boolean.parseBoolean(string(key));
    }

    Duration duration(String key) {
        return parseDuration(string(key));
    }

    static Duration parseDuration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** A nested object; when absent, an empty one whose reads give the defaults. */
    NodeObject object(String key) {
        ObjectShape childShape = (ObjectShape) field(key).shape();
        return value(key).map(n -> new NodeObject((MappingNode) n, childShape)).orElse(empty(childShape));
    }

    Optional<NodeObject> optObject(String key) {
        ObjectShape childShape = (ObjectShape) field(key).shape();
        return value(key).map(n -> new NodeObject((MappingNode) n, childShape));
    }

    List<String> strings(String key) {
        return value(key)
                .map(n -> ((SequenceNode) n).getValue().stream().map(item -> ((ScalarNode) item).getValue()).toList())
                .orElse(List.of());
    }

    /** A list of objects, in the order written. */
    List<NodeObject> objectList(String key) {
        ObjectShape itemShape = (ObjectShape) ((ListShape) field(key).shape()).items();
        return value(key)
                .map(n -> ((SequenceNode) n).getValue().stream().map(item -> new NodeObject((MappingNode) item, itemShape)).toList())
                .orElse(List.of());
    }

    /** A user-keyed map of objects, in the order written. */
    Map<String, NodeObject> objects(String key) {
        MapShape mapShape = (MapShape) field(key).shape();
        Map<String, NodeObject> result = new LinkedHashMap<>();
        value(key).ifPresent(n -> {
            for (NodeTuple tuple : ((MappingNode) n).getValue()) {
                result.put(((ScalarNode) tuple.getKeyNode()).getValue(),
                        new NodeObject((MappingNode) tuple.getValueNode(), (ObjectShape) mapShape.values()));
            }
        });
        return result;
    }

    /** A user-keyed map of strings, in the order written. */
    Map<String, String> stringMap(String key) {
        Map<String, String> result = new LinkedHashMap<>();
        value(key).ifPresent(n -> {
            for (NodeTuple tuple : ((MappingNode) n).getValue()) {
                result.put(((ScalarNode) tuple.getKeyNode()).getValue(), ((ScalarNode) tuple.getValueNode()).getValue());
            }
        });
        return result;
    }
}
