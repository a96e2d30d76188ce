package io.tierlift.render;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Loads descriptor fixtures from {@code src/test/resources/descriptors/}. */
public final class TestDescriptors {
    private TestDescriptors() {
    }

    public static AppDescriptor load(String name) {
        return new DescriptorLoader().load(Path.of("src/test/resources/descriptors", name), Optional.empty()).descriptor();
    }

    /** Loads YAML text, e.g. a fixture with a few values replaced for a variation. */
    public static AppDescriptor fromText(String yaml) {
        return new DescriptorLoader().load("test.yaml", yaml, Path.of("."), Optional.empty()).descriptor();
    }

    public static String text(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/descriptors", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
