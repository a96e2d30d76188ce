package io.tierlift.descriptor.schema;

import java.util.List;

/** A leaf value: a string with a format, a bounded number, a boolean, or one of fixed words. */
public record ScalarShape(String description, Kind kind, Format format, double min, double max,
                          List<String> allowed) implements Shape {
    public enum Kind { STRING, INTEGER, NUMBER, BOOLEAN, ENUM }

    public ScalarShape {
        allowed = List.copyOf(allowed);
    }
}
