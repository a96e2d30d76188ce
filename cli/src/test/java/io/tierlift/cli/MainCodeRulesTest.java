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
 * Rules every module's main code keeps, so a newcomer finds one shape everywhere: each target is
 * chosen by the tier registry alone, no class grows past what one reading holds, and no static
 * field changes after the class is loaded (tests replace parts through constructors instead).
 */
class MainCodeRulesTest {
    private static final Path ROOT = Path.of("..");
    private static final int MAX_LINES = 400;
    private static final Pattern TARGET_CHOICE = Pattern.compile(
            "switch \\(([a-z]*[tT]arget(\\(\\))?|from|to|kind)\\)|[=!]= Target\\.|case (ONPREM|AWS_IAAS|AWS_SERVERLESS)\\b");
    private static final Pattern CLI_FORBIDDEN_IMPORT = Pattern.compile("(?m)^import (static )?(software\\.amazon|com\\.jcraft|java\\.sql)\\.");
    private static final Pattern CLI_FORBIDDEN_NAME = Pattern.compile("software\\.amazon\\.|com\\.jcraft\\.|java\\.sql\\.");
    private static final Pattern MUTABLE_STATIC = Pattern.compile(
            "(?m)^\\s*(?:(?:private|public|protected)\\s+)?static\\s+(?!final\\b)(?!class\\b|record\\b|enum\\b|interface\\b|abstract\\b|sealed\\b|void\\b|<)[\\w<>\\[\\], .?]+\\s+\\w+\\s*(=|;)");

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("/src/main/java/"))
                    .filter(f -> !f.toString().contains("/node_modules/") && !f.toString().contains("/target/"))
                    .toList();
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
    void everyModuleIsRead() throws IOException {
        List<String> modules = mainSources().stream().map(p -> ROOT.relativize(p).toString().split("/src/")[0]).distinct().toList();
        assertThat(modules).contains("core", "templates", "providers/onprem", "providers/aws", "migrate", "sandbox", "cli");
    }

    /** The CLI parses and prints: clients, SSH and SQL live in the providers and the migrate module. */
    @Test
    void theCliReachesNoAwsSshOrJdbcDirectly() throws IOException {
        List<Path> cli = mainSources().stream().filter(f -> ROOT.relativize(f).toString().startsWith("cli/")).toList();
        assertThat(cli).hasSizeGreaterThan(20);
        assertThat(cli).filteredOn(f -> CLI_FORBIDDEN_IMPORT.matcher(read(f)).find()).isEmpty();
        assertThat(cli).as("fully qualified uses too").filteredOn(f -> CLI_FORBIDDEN_NAME.matcher(read(f)).find()).isEmpty();
    }

    @Test
    void onlyTheTierRegistryChoosesByTarget() throws IOException {
        assertThat(mainSources()).filteredOn(f -> TARGET_CHOICE.matcher(read(f)).find()).isEmpty();
    }

    @Test
    void noMainClassIsLongerThanOneReadingHolds() throws IOException {
        assertThat(mainSources()).as("files over %d lines", MAX_LINES)
                .filteredOn(f -> read(f).lines().count() > MAX_LINES).isEmpty();
    }

    @Test
    void noStaticFieldChangesAfterLoading() throws IOException {
        assertThat(mainSources()).filteredOn(f -> MUTABLE_STATIC.matcher(read(f)).find()).isEmpty();
    }
}
