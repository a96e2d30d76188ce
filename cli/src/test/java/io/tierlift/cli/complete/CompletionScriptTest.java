package io.tierlift.cli.complete;

import io.tierlift.cli.Main;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The generated script, sourced in a real bash: COMP_WORDS/COMP_CWORD are set as bash's
 * programmable completion sets them, the completion function registered for tierlift is called,
 * and COMPREPLY is printed. The "tierlift" program is a wrapper that runs this build's Main, so
 * the script's call to {@code __complete} is the real one.
 */
class CompletionScriptTest {
    @TempDir
    Path tmp;
    private Path script;
    private Path program;
    private Path descriptor;

    @BeforeEach
    void setUp() throws Exception {
        if (!Files.isExecutable(Path.of("/bin/bash"))) {
            fail("bash (Debian package bash) is needed to run the completion script");
        }
        StringWriter out = new StringWriter();
        int code = Main.run(new String[]{"completion"}, Map.of(), new PrintWriter(out, true),
                new PrintWriter(new StringWriter(), true), false);
        assertThat(code).isZero();
        script = tmp.resolve("tierlift.bash");
        Files.writeString(script, out.toString());
        program = tmp.resolve("tierlift");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(program, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' io.tierlift.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
        descriptor = tmp.resolve("app.yaml");
        Files.writeString(descriptor, CompleteCommandTest.DESCRIPTOR);
    }

    @Test
    void scriptCallsTheHiddenCommandForEnvValues() throws Exception {
        String text = Files.readString(script);
        assertThat(text).contains("__complete \"$kind\" -f \"$file\"").contains("'--env') kind=envs")
                .contains("complete -F _tierlift_complete -o default tierlift")
                // picocli's functions still answer commands, options and targets.
                .contains("function _complete_tierlift()").contains("\"aws-serverless\"");
    }

    @Test
    void envValuesComeFromTheFileGivenWithF() throws Exception {
        assertThat(complete("deploy", "onprem", "-f", descriptor.toString(), "--env", "")).containsExactly("staging", "prod-eu");
        assertThat(complete("plan", "aws-iaas", "--file", descriptor.toString(), "--env", "st")).containsExactly("staging");
        // --file=FILE and --env=NAME: bash splits the words at '='.
        assertThat(complete("status", "onprem", "--file", "=", descriptor.toString(), "--env", "=", "pr")).containsExactly("prod-eu");
    }

    @Test
    void envValuesDefaultToAppYamlInTheWorkingFolder() throws Exception {
        assertThat(complete("validate", "--env", "")).containsExactly("staging", "prod-eu");
    }

    @Test
    void envValuesOfAnotherFileDiffer() throws Exception {
        Path other = tmp.resolve("other.yaml");
        Files.writeString(other, "environments:\n  qa: {}\n");
        assertThat(complete("render", "onprem", "-f", other.toString(), "--env", "")).containsExactly("qa");
    }

    @Test
    void subcommandsOptionsAndTargetsStillComplete() throws Exception {
        assertThat(complete("dep")).containsExactly("deploy");
        assertThat(complete("deploy", "aws-")).containsExactlyInAnyOrder("aws-iaas", "aws-serverless");
        assertThat(complete("deploy", "onprem", "--brea")).containsExactly("--break-lock");
        assertThat(complete("")).contains("validate", "diagram", "completion").doesNotContain("__complete");
    }

    /** COMPREPLY for the given words after "tierlift", completing the last one. */
    private List<String> complete(String... words) throws Exception {
        StringBuilder array = new StringBuilder("'" + program + "'");
        for (String word : words) {
            array.append(" '").append(word.replace("'", "'\\''")).append("'");
        }
        String driver = String.join("\n",
                "source '" + script + "'",
                // compopt only works inside a completion bash itself started; outside it, it is a no-op here.
                "compopt() { :; }",
                "COMP_WORDS=(" + array + ")",
                "COMP_CWORD=" + words.length,
                "COMP_LINE=\"${COMP_WORDS[*]}\"",
                "COMP_POINT=${#COMP_LINE}",
                // The function bash would call for this command, as registered by the script.
                "fn=$(complete -p tierlift | sed -E 's/.* -F ([^ ]+) .*/\\1/')",
                "\"$fn\" tierlift \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"",
                "printf '%s\\n' \"${COMPREPLY[@]}\"",
                "");
        Path driverFile = tmp.resolve("driver.bash");
        Files.writeString(driverFile, driver);
        Process process = new ProcessBuilder("/bin/bash", "--noprofile", "--norc", driverFile.toString())
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("bash completion did not finish within 60s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().filter(l -> !l.isEmpty()).toList();
    }
}
