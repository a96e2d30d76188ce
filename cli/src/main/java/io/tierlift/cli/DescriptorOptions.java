package io.tierlift.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** The descriptor options every command shares. */
public final class DescriptorOptions {
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "app.yaml",
            description = "Descriptor file (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--env", paramLabel = "NAME", description = "Environment overlay to apply (from the descriptor's environments).")
    String environment;

    public Path file() {
        return file;
    }

    public Optional<String> environment() {
        return Optional.ofNullable(environment);
    }
}
