package io.tierlift.render.onprem.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Files tierlift places as they are (not templates), read from {@code /io/tierlift/onprem/} on
 * the classpath. A class of its own so tests can hand a renderer other contents.
 */
public class BundledFiles {
    private static final String ROOT = "/io/tierlift/onprem/";

    public String read(String name) {
        try (InputStream in = BundledFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("bundled file " + ROOT + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String envexec() {
        return read("envexec.py");
    }
}
