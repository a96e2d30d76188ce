package io.tierlift.descriptor.schema;

import java.util.List;

/** Small vocabulary for writing the schema readably; pure constructors, no state. */
final class ShapeBuilder {
    private ShapeBuilder() {
    }

    static ScalarShape text(Format format, String description) {
        return new ScalarShape(description, ScalarShape.Kind.STRING, format, 0, 0, List.of());
    }

    static ScalarShape integer(long min, long max, String description) {
        return new ScalarShape(description, ScalarShape.Kind.INTEGER, null, min, max, List.of());
    }

    static ScalarShape number(double min, double max, String description) {
        return new ScalarShape(description, ScalarShape.Kind.NUMBER, null, min, max, List.of());
    }

    static ScalarShape bool(String description) {
        return new ScalarShape(description, ScalarShape.Kind.BOOLEAN, null, 0, 0, List.of());
    }

    static ScalarShape oneOf(List<String> allowed, String description) {
        return new ScalarShape(description, ScalarShape.Kind.ENUM, null, 0, 0, allowed);
    }

    static ObjectShape object(String description, Field... fields) {
        return new ObjectShape(description, List.of(fields));
    }

    static ListShape list(Shape items, int minItems, int maxItems, boolean unique, String description) {
        return new ListShape(description, items, minItems, maxItems, unique);
    }

    static MapShape map(Format keyFormat, Shape values, int maxEntries, String description) {
        return new MapShape(description, keyFormat, values, maxEntries);
    }

    static Field required(String key, Shape shape, String example) {
        return new Field(key, shape, true, null, example);
    }

    static Field optional(String key, Shape shape, Object defaultValue, String example) {
        return new Field(key, shape, false, defaultValue, example);
    }
}
