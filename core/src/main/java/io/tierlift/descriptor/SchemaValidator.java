package io.tierlift.descriptor;

import io.tierlift.descriptor.schema.Field;
import io.tierlift.descriptor.schema.Format;
import io.tierlift.descriptor.schema.ListShape;
import io.tierlift.descriptor.schema.MapShape;
import io.tierlift.descriptor.schema.ObjectShape;
import io.tierlift.descriptor.schema.ScalarShape;
import io.tierlift.descriptor.schema.Shape;
import io.tierlift.diag.Diagnostics;
import io.tierlift.diag.SourcePosition;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** Checks a node tree against a {@link Shape}, collecting every problem with its position. */
final class SchemaValidator {
    private static final int MAX_SCALAR_LENGTH = 4096;

    private final String fileName;
    private final Diagnostics diagnostics;
    private final SourceMap sourceMap;

    SchemaValidator(String fileName, Diagnostics diagnostics, SourceMap sourceMap) {
        this.fileName = fileName;
        this.diagnostics = diagnostics;
        this.sourceMap = sourceMap;
    }

    void check(Node node, Shape shape, String path) {
        sourceMap.put(path, at(node));
        if (shape instanceof ObjectShape object) {
            checkObject(node, object, path);
        } else if (shape instanceof MapShape map) {
            checkMap(node, map, path);
        } else if (shape instanceof ListShape list) {
            checkList(node, list, path);
        } else {
            checkScalar(node, (ScalarShape) shape, path);
        }
    }

    private void checkObject(Node node, ObjectShape shape, String path) {
        if (!(node instanceof MappingNode mapping)) {
            diagnostics.error(at(node), path, "expected a mapping of keys (" + String.join(", ", shape.keys()) + "), got " + describe(node));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> key = keyOf(tuple, path);
            if (key.isEmpty() || isDuplicate(mapping, tuple, key.get(), path)) {
                continue;
            }
            String childPath = join(path, key.get());
            Optional<Field> field = shape.field(key.get());
            if (field.isEmpty()) {
                String hint = DidYouMean.closest(key.get(), shape.keys())
                        .map(k -> "; did you mean '" + k + "'?")
                        .orElse("; expected one of: " + String.join(", ", shape.keys()));
                diagnostics.error(at(tuple.getKeyNode()), childPath, "unknown key '" + key.get() + "'" + hint);
                continue;
            }
            seen.add(key.get());
            check(tuple.getValueNode(), field.get().shape(), childPath);
        }
        for (Field field : shape.fields()) {
            if (field.required() && !seen.contains(field.key())) {
                diagnostics.error(at(node), path.isEmpty() ? field.key() : path,
                        "missing required key '" + field.key() + "' (" + field.description() + ")");
            }
        }
    }

    private void checkMap(Node node, MapShape shape, String path) {
        if (!(node instanceof MappingNode mapping)) {
            diagnostics.error(at(node), path, "expected a mapping of names to entries, got " + describe(node));
            return;
        }
        if (mapping.getValue().size() > shape.maxEntries()) {
            diagnostics.error(at(node), path, "at most " + shape.maxEntries() + " entries are allowed, got " + mapping.getValue().size());
            return;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> key = keyOf(tuple, path);
            if (key.isEmpty() || isDuplicate(mapping, tuple, key.get(), path)) {
                continue;
            }
            String childPath = join(path, key.get());
            Optional<String> problem = shape.keyFormat().check(key.get());
            if (problem.isPresent()) {
                diagnostics.error(at(tuple.getKeyNode()), childPath, "bad name '" + printable(key.get()) + "': " + problem.get());
                continue;
            }
            check(tuple.getValueNode(), shape.values(), childPath);
        }
    }

    private void checkList(Node node, ListShape shape, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            diagnostics.error(at(node), path, "expected a list, got " + describe(node));
            return;
        }
        int size = sequence.getValue().size();
        if (size < shape.minItems()) {
            diagnostics.error(at(node), path, "needs at least " + shape.minItems() + " item(s)");
        }
        if (size > shape.maxItems()) {
            diagnostics.error(at(node), path, "at most " + shape.maxItems() + " items are allowed, got " + size);
            return;
        }
        Set<String> values = new HashSet<>();
        for (int i = 0; i < size; i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = path + "[" + i + "]";
            check(item, shape.items(), itemPath);
            if (shape.unique() && item instanceof ScalarNode scalar && !values.add(scalar.getValue())) {
                diagnostics.error(at(item), itemPath, "'" + printable(scalar.getValue()) + "' is listed twice");
            }
        }
    }

    private void checkScalar(Node node, ScalarShape shape, String path) {
        if (!(node instanceof ScalarNode scalar)) {
            diagnostics.error(at(node), path, "expected " + expected(shape) + ", got " + describe(node));
            return;
        }
        if (scalar.getTag().equals(Tag.NULL)) {
            diagnostics.error(at(node), path, "missing value: expected " + expected(shape));
            return;
        }
        String text = scalar.getValue();
        if (text.length() > MAX_SCALAR_LENGTH) {
            diagnostics.error(at(node), path, "value is " + text.length() + " characters long; at most " + MAX_SCALAR_LENGTH + " are allowed");
            return;
        }
        switch (shape.kind()) {
            case STRING -> {
                if (!scalar.getTag().equals(Tag.STR) && !scalar.getTag().equals(Tag.INT) && !scalar.getTag().equals(Tag.FLOAT)) {
                    diagnostics.error(at(node), path, "expected " + expected(shape) + ", got " + describe(node));
                    return;
                }
                Format format = shape.format();
                // A value meant to be secret is never echoed back, even when it is malformed.
                boolean mayBeSecret = format == Format.SECRET || format == Format.ENV_VALUE;
                format.check(text).ifPresent(problem -> diagnostics.error(at(node), path,
                        mayBeSecret ? problem : problem + " (got '" + printable(text) + "')"));
            }
            case INTEGER -> {
                if (!scalar.getTag().equals(Tag.INT) || !text.matches("[+-]?[0-9]{1,12}")) {
                    diagnostics.error(at(node), path, "expected a whole number, got '" + printable(text) + "'");
                    return;
                }
                long value = Long.parseLong(text);
                if (value < shape.min() || value > shape.max()) {
                    diagnostics.error(at(node), path, "must be between " + (long) shape.min() + " and " + (long) shape.max() + ", got " + value);
                }
            }
            case NUMBER -> {
                if (!scalar.getTag().equals(Tag.INT) && !scalar.getTag().equals(Tag.FLOAT)) {
                    diagnostics.error(at(node), path, "expected a number, got '" + printable(text) + "'");
                    return;
                }
                double value;
                try {
                    value = Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    diagnostics.error(at(node), path, "expected a number, got '" + printable(text) + "'");
                    return;
                }
                if (!(value >= shape.min() && value <= shape.max())) {
                    diagnostics.error(at(node), path, "must be between " + trim(shape.min()) + " and " + trim(shape.max()) + ", got " + printable(text));
                }
            }
            case BOOLEAN -> {
                if (!scalar.getTag().equals(Tag.BOOL)) {
                    diagnostics.error(at(node), path, "expected true or false, got '" + printable(text) + "'");
                }
            }
            case ENUM -> {
                if (!shape.allowed().contains(text)) {
                    String hint = DidYouMean.closest(text, shape.allowed()).map(k -> "; did you mean '" + k + "'?").orElse("");
                    diagnostics.error(at(node), path, "'" + printable(text) + "' is not one of: " + String.join(", ", shape.allowed()) + hint);
                }
            }
        }
    }

    /**
     * SnakeYAML only rejects duplicate keys when constructing Java objects, not when composing
     * nodes, so they are caught here: the later one would silently win otherwise.
     */
    private boolean isDuplicate(MappingNode mapping, NodeTuple tuple, String key, String path) {
        for (NodeTuple earlier : mapping.getValue()) {
            if (earlier == tuple) {
                return false;
            }
            if (earlier.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                diagnostics.error(at(tuple.getKeyNode()), join(path, key), "duplicate key '" + printable(key)
                        + "' (first written at line " + (earlier.getKeyNode().getStartMark().getLine() + 1) + ")");
                return true;
            }
        }
        return false;
    }

    private Optional<String> keyOf(NodeTuple tuple, String path) {
        Node keyNode = tuple.getKeyNode();
        if (keyNode.getTag().equals(Tag.MERGE)) {
            diagnostics.error(at(keyNode), path, "merge keys (<<) are not supported; write the values out");
            return Optional.empty();
        }
        if (!(keyNode instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
            diagnostics.error(at(keyNode), path, "keys must be plain names, got " + describe(keyNode));
            return Optional.empty();
        }
        return Optional.of(scalar.getValue());
    }

    private static String expected(ScalarShape shape) {
        return switch (shape.kind()) {
            case STRING -> shape.format().summary();
            case INTEGER -> "a whole number";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case ENUM -> "one of: " + String.join(", ", shape.allowed());
        };
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        ScalarNode scalar = (ScalarNode) node;
        if (scalar.getTag().equals(Tag.NULL)) {
            return "nothing";
        }
        return "'" + printable(scalar.getValue()) + "'";
    }

    /** Shows control characters visibly and shortens long values, so a message stays one line. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 80; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= 80) {
            out.append("...");
        }
        return out.toString();
    }

    private static String trim(double value) {
        return value == Math.floor(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private SourcePosition at(Node node) {
        return YamlPositions.of(fileName, node);
    }
}
