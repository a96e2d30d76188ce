package io.tierlift.descriptor.schema;

/** A mapping whose keys are chosen by the user (host names, variable names). */
public record MapShape(String description, Format keyFormat, Shape values, int maxEntries) implements Shape {
}
