package io.tierlift.model;

/** The React build: where its sources are, how to build it, and where the build lands. */
public record Frontend(String path, String build, String dist) {
}
