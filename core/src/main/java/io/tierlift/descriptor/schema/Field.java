package io.tierlift.descriptor.schema;

/** A named member of an {@link ObjectShape}. {@code defaultValue} is null when there is none. */
public record Field(String key, Shape shape, boolean required, Object defaultValue, String example) {
    public String description() {
        return shape.description();
    }
}
