package io.tierlift.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI parses and prints: clients, SSH and SQL live in the providers and the migrate module,
 * and choosing a tier by its target happens in the registry alone.
 */
class CliImportsTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final Pattern FORBIDDEN_IMPORT = Pattern.compile("(?m)^import (static )?(software\\.amazon|com\\.jcraft|java\\.sql)\\.");
    private static final Pattern FORBIDDEN_NAME = Pattern.compile("software\\.amazon\\.|com\\.jcraft\\.|java\\.sql\\.");
    private static final Pattern TARGET_SWITCH = Pattern.compile("switch \\((target|from|to|kind)\\)|[=!]= Target\\.|case (ONPREM|AWS_IAAS|AWS_SERVERLESS) ->");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void noMainClassReachesAwsSshOrJdbcDirectly() throws IOException {
        List<Path> sources = sources();
        assertThat(sources).hasSizeGreaterThan(20);
        assertThat(sources).filteredOn(f -> FORBIDDEN_IMPORT.matcher(read(f)).find()).isEmpty();
        assertThat(sources).as("fully qualified uses too").filteredOn(f -> FORBIDDEN_NAME.matcher(read(f)).find()).isEmpty();
    }

    @Test
    void noCommandChoosesByTarget() throws IOException {
        assertThat(sources()).filteredOn(f -> TARGET_SWITCH.matcher(read(f)).find()).isEmpty();
    }
}
