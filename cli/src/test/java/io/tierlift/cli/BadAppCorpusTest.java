package io.tierlift.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every app in {@code bad-apps/} has a descriptor that parses and a problem in the app itself. Each
 * is refused the operator's way: {@code validate} with exit 65 and each problem at its descriptor
 * position; what only the package index can tell with exit 1 from {@code deploy} before any host,
 * naming the requirement and the index. Never "internal error", never a stack trace, nothing written.
 */
class BadAppCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/bad-apps");

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyBadAppIsRefusedWithItsReason() throws IOException {
        List<String[]> expectations = Files.readAllLines(CORPUS.resolve("EXPECTATIONS.tsv")).stream()
                .map(line -> line.split("\t", 4)).toList();
        try (Stream<Path> cases = Files.list(CORPUS)) {
            assertThat(cases.filter(Files::isDirectory).count()).as("every corpus app has an expectation").isEqualTo(expectations.size());
        }
        return expectations.stream().map(row -> DynamicTest.dynamicTest(row[0] + " (" + row[1] + ")",
                () -> check(row[0], row[1], Integer.parseInt(row[2]), row[3])));
    }

    private void check(String name, String command, int exitCode, String expected) throws IOException {
        Path app = tmp.resolve(name);
        copyTree(CORPUS.resolve(name), app);
        Path descriptor = app.resolve("app.yaml");
        if (command.equals("validate")) {
            Map<String, String> before = snapshot(app);
            CliRun run = CliRun.of("validate", "-f", descriptor.toString());
            assertClean(run, name, exitCode, expected);
            List<String> diagnostics = run.err().lines().filter(l -> !l.endsWith("nothing was changed.")).toList();
            assertThat(diagnostics).as("every line is FILE:LINE:COL: key: ...").isNotEmpty()
                    .allSatisfy(line -> assertThat(line).matches("\\Q" + descriptor + "\\E:\\d+:\\d+: [a-z_.]+: .+"));
            assertThat(snapshot(app)).as("nothing written").isEqualTo(before);
        } else {
            assertThat(CliRun.of("validate", "-f", descriptor.toString()).exitCode()).as("the descriptor itself validates").isZero();
            Path index = Files.createDirectories(tmp.resolve("index-" + name + "/simple"));
            sshKey(app.resolve("deploy_key"));
            Map<String, String> before = snapshot(app);
            CliRun run = CliRun.of(Map.of("HOME", tmp.resolve("home").toString(), "TODO_DB_PASSWORD", "not-used",
                    "PIP_INDEX_URL", index.toUri().toString()), "deploy", "onprem", "-f", descriptor.toString(), "--yes");
            assertClean(run, name, exitCode, expected);
            assertThat(run.err()).as("names the index pip searched").contains(index.toUri().toString().replaceFirst("/$", ""))
                    .contains("No host was changed.");
            assertThat(run.err()).as("no host was reached").doesNotContain(": connected");
            assertThat(snapshot(app)).as("nothing written in the app").isEqualTo(before);
        }
    }

    private static void assertClean(CliRun run, String name, int exitCode, String expected) {
        assertThat(run.exitCode()).as("exit code for %s; stderr:%n%s", name, run.err()).isEqualTo(exitCode);
        assertThat(run.err()).as("reason for %s", name).contains(expected);
        assertThat(run.err()).doesNotContain("internal error").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out()).as("nothing on stdout").isEmpty();
    }

    private static void sshKey(Path file) throws IOException {
        try {
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", file.toString())
                    .redirectErrorStream(true).start();
            assertThat(keygen.waitFor()).as("ssh-keygen: %s", new String(keygen.getInputStream().readAllBytes())).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.toList()) {
                files.put(root.relativize(path).toString(), Files.isDirectory(path) ? "/" : new String(Files.readAllBytes(path)));
            }
        }
        return files;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(source -> {
                try {
                    Path target = to.resolve(from.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
