package io.tierlift.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every descriptor in {@code bad-descriptors/} must be refused the same way: exit 65, each
 * message as FILE:LINE:COL, the expected reason, no stack trace, and nothing written.
 */
class BadDescriptorCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/bad-descriptors");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyBadDescriptorIsRefusedCleanly() throws IOException {
        List<String[]> expectations = Files.readAllLines(CORPUS.resolve("EXPECTATIONS.tsv")).stream()
                .map(line -> line.split("\t", 2)).toList();
        assertThat(expectations).hasSizeGreaterThanOrEqualTo(100);
        try (Stream<Path> files = Files.list(CORPUS)) {
            assertThat(files.filter(p -> p.toString().endsWith(".yaml")).count())
                    .as("every corpus file has an expectation").isEqualTo(expectations.size());
        }
        return expectations.stream().map(row -> DynamicTest.dynamicTest(row[0], () -> check(row[0], row.length > 1 ? row[1] : "")));
    }

    private void check(String name, String expected) {
        Path file = CORPUS.resolve(name);
        Path out = tmp.resolve(name + "-out");
        for (String[] args : List.of(
                new String[]{"validate", "-f", file.toString()},
                new String[]{"render", "onprem", "-f", file.toString(), "-o", out.toString()})) {
            CliRun run = CliRun.of(args);
            assertThat(run.exitCode()).as("exit code of %s for %s; stderr:%n%s", args[0], name, run.err()).isEqualTo(65);
            List<String> diagnostics = run.err().lines().filter(l -> !l.endsWith("nothing was changed.")).toList();
            assertThat(diagnostics).as("diagnostics for %s", name).isNotEmpty();
            assertThat(diagnostics).as("every line is FILE:LINE:COL: ...")
                    .allSatisfy(line -> assertThat(line).matches("\\Q" + file + "\\E:\\d+:\\d+: .+"));
            assertThat(run.err()).as("reason for %s", name).contains(expected);
            assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("internal error");
            assertThat(run.out()).as("nothing on stdout").isEmpty();
            assertThat(out).as("nothing written").doesNotExist();
        }
    }
}
