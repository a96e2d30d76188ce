package io.tierlift.descriptor.schema;

/** A sequence; {@code unique} rejects repeated scalar items. */
public record ListShape(String description, Shape items, int minItems, int maxItems, boolean unique) implements Shape {
}
