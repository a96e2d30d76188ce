package io.tierlift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example app's own Python tests, run as its README says, so they run wherever tierlift's do:
 * the app's behaviour that the tiers rely on (the request id in PostgreSQL's log lines, the health
 * answers) is checked against the system's Flask, psycopg2 and a real PostgreSQL 15.
 */
class ExampleAppOwnTestsRealTest {
    private static final Path TESTS = Path.of("../examples/notes/backend/tests");

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theExampleAppsOwnTestsPassAgainstARealPostgresql() throws IOException, InterruptedException {
        assertThat(TESTS).as("the example app's tests").isDirectory();
        Process process = new ProcessBuilder("/usr/bin/python3", "-m", "unittest", "discover", "-v", "-s", TESTS.toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
        Matcher ran = Pattern.compile("(?m)^Ran (\\d+) tests?").matcher(output);
        assertThat(ran.find()).as(output).isTrue();
        long files;
        try (var listing = Files.list(TESTS)) {
            files = listing.filter(f -> f.getFileName().toString().matches("test_.*\\.py")).count();
        }
        // Every test file contributed: a module that fails to import counts as one error, not as silence.
        assertThat(Integer.parseInt(ran.group(1))).as(output).isGreaterThanOrEqualTo((int) files * 2);
        assertThat(output).as("unittest's verdict").containsPattern("(?m)^OK$").doesNotContain("skipped");
        assertThat(output).as("the test against a real PostgreSQL ran and passed")
                .containsPattern("(?m)^test_every_statement_of_a_request_is_logged_with_its_id\\w* .*\\.\\.\\. ok$");
    }
}
