package io.tierlift.cli.docs;

import io.tierlift.descriptor.schema.Field;
import io.tierlift.descriptor.schema.ListShape;
import io.tierlift.descriptor.schema.MapShape;
import io.tierlift.descriptor.schema.ObjectShape;
import io.tierlift.descriptor.schema.ScalarShape;
import io.tierlift.descriptor.schema.Shape;

/** Writes docs/descriptor.md from the schema itself, so the reference cannot drift from the code. */
public final class DescriptorDocs {
    public String render(ObjectShape root) {
        StringBuilder out = new StringBuilder();
        out.append("# Descriptor reference\n\n");
        out.append("Generated from the schema in `core/src/main/java/io/tierlift/descriptor/schema/DescriptorSchema.java` ")
                .append("(`tierlift schema` prints the same as JSON Schema). CI fails when this file is out of date; ")
                .append("regenerate with `mvn -pl cli test -Dtest=GeneratedDocsTest -Ddocs.update=true`.\n\n");
        out.append(root.description()).append("\n\n");
        out.append("| key | type | required | default | description | example |\n|---|---|---|---|---|---|\n");
        rows(root, "", out);
        return out.toString();
    }

    private void rows(ObjectShape object, String prefix, StringBuilder out) {
        for (Field field : object.fields()) {
            String key = prefix + field.key();
            Shape shape = field.shape();
            out.append("| `").append(key).append("` | ").append(type(shape)).append(" | ")
                    .append(field.required() ? "yes" : "").append(" | ")
                    .append(field.defaultValue() == null ? "" : "`" + field.defaultValue() + "`").append(" | ")
                    .append(cell(shape.description())).append(" | ")
                    .append(field.example() == null ? "" : "`" + cell(field.example()) + "`").append(" |\n");
            if (shape instanceof ObjectShape child) {
                rows(child, key + ".", out);
            } else if (shape instanceof MapShape map && map.values() instanceof ObjectShape child) {
                rows(child, key + ".<name>.", out);
            }
        }
    }

    private static String type(Shape shape) {
        if (shape instanceof ObjectShape) {
            return "mapping";
        }
        if (shape instanceof MapShape map) {
            return "map of " + type(map.values()) + " by name";
        }
        if (shape instanceof ListShape list) {
            return "list of " + type(list.items());
        }
        ScalarShape scalar = (ScalarShape) shape;
        return switch (scalar.kind()) {
            case STRING -> cell(scalar.format().summary());
            case INTEGER -> "integer " + (long) scalar.min() + ".." + (long) scalar.max();
            case NUMBER -> "number " + scalar.min() + ".." + scalar.max();
            case BOOLEAN -> "boolean";
            case ENUM -> "one of " + String.join(", ", scalar.allowed());
        };
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
