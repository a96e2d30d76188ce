package io.tierlift.descriptor.schema;

/**
 * The descriptor's schema as data. One definition drives validation, binding defaults,
 * {@code tierlift schema} (JSON Schema) and the generated reference docs, so they cannot drift.
 */
public sealed interface Shape permits ObjectShape, MapShape, ListShape, ScalarShape {
    String description();
}
