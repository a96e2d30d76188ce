package io.tierlift.onprem.ssh;

import io.tierlift.onprem.command.RemoteCommand;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class JschConnectionTest {
    @Test
    void sudoWrapsEveryCommandWhenTheConnectionNeedsIt() {
        RemoteCommand command = RemoteCommand.of("install", "-m", "0640", "/etc/app conf");
        assertThat(JschConnection.prepare(command, true).toShell())
                .isEqualTo("sudo -n -- install -m 0640 '/etc/app conf'");
        assertThat(JschConnection.prepare(command, false).toShell()).isEqualTo("install -m 0640 '/etc/app conf'");
        RemoteCommand script = RemoteCommand.script("echo \"$1\"", "it's");
        assertThat(JschConnection.prepare(script, true).toShell())
                .isEqualTo("sudo -n -- sh -c 'echo \"$1\"' tierlift 'it'\\''s'");
    }

    @Test
    void aCallerChoiceOfSudoIsKeptWhenTheConnectionDoesNotNeedIt() {
        RemoteCommand already = RemoteCommand.of("id").withSudo(true);
        assertThat(JschConnection.prepare(already, false).toShell()).isEqualTo("sudo -n -- id");
    }

    @Test
    void sudoAskingForAPasswordIsAClearError() {
        ExecResult result = new ExecResult(1, new byte[0], "sudo: a password is required\n");
        assertThat(JschConnection.sudoProblem(result, "deploy")).hasValueSatisfying(message -> assertThat(message)
                .contains("sudo needs a password for user deploy").contains("NOPASSWD"));
        ExecResult missing = new ExecResult(127, new byte[0], "bash: line 1: sudo: command not found\n");
        assertThat(JschConnection.sudoProblem(missing, "deploy")).hasValueSatisfying(m -> assertThat(m).contains("not installed"));
        ExecResult notAllowed = new ExecResult(1, new byte[0], "deploy is not in the sudoers file.\n");
        assertThat(JschConnection.sudoProblem(notAllowed, "deploy")).hasValueSatisfying(m -> assertThat(m).contains("may not use sudo"));
    }

    @Test
    void theHostEnforcesTheTimeLimitWithCoreutilsTimeout() {
        assertThat(JschConnection.withRemoteLimit("sudo -n -- cat", Duration.ofMinutes(10)))
                .isEqualTo("timeout -k 10 600 sudo -n -- cat");
        assertThat(JschConnection.withRemoteLimit("sleep 5", Duration.ofMillis(1500))).isEqualTo("timeout -k 10 1.5 sleep 5");
        assertThat(JschConnection.withRemoteLimit("true", Duration.ZERO)).isEqualTo("timeout -k 10 0.001 true");
    }

    @Test
    void aHostWithoutTimeoutOrSudoIsNamedAsSuch() {
        ExecResult noTimeout = new ExecResult(127, new byte[0], "bash: line 1: timeout: command not found\n");
        assertThat(JschConnection.hostProblem(noTimeout, "root", false)).hasValueSatisfying(m -> assertThat(m).contains("coreutils"));
        ExecResult noSudo = new ExecResult(127, new byte[0], "timeout: failed to run command 'sudo': No such file or directory\n");
        assertThat(JschConnection.hostProblem(noSudo, "deploy", true)).hasValueSatisfying(m -> assertThat(m).contains("sudo is not installed"));
        assertThat(JschConnection.hostProblem(noSudo, "root", false)).isEmpty();
    }

    @Test
    void ordinaryFailuresAreLeftToTheCaller() {
        assertThat(JschConnection.sudoProblem(new ExecResult(1, new byte[0], "grep: no match"), "deploy")).isEmpty();
        assertThat(JschConnection.sudoProblem(new ExecResult(127, new byte[0], "sh: nginx: not found"), "deploy")).isEmpty();
        assertThat(JschConnection.sudoProblem(new ExecResult(0, new byte[0], ""), "deploy")).isEmpty();
    }

    @Test
    void stderrKeepsItsStartAndEndWithinTheCap() {
        StderrBuffer buffer = new StderrBuffer(1000);
        byte[] start = "START".getBytes(StandardCharsets.UTF_8);
        buffer.write(start, 0, start.length);
        byte[] middle = "m".repeat(5000).getBytes(StandardCharsets.UTF_8);
        buffer.write(middle, 0, middle.length);
        byte[] end = "the real error".getBytes(StandardCharsets.UTF_8);
        buffer.write(end, 0, end.length);
        String text = buffer.text();
        assertThat(text).startsWith("START").endsWith("the real error").contains("bytes of stderr left out");
        assertThat(text.length()).isLessThan(1100);
    }

    @Test
    void shortStderrIsKeptWhole() {
        StderrBuffer buffer = new StderrBuffer(64 * 1024);
        byte[] text = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
        buffer.write(text, 0, text.length);
        assertThat(buffer.text()).isEqualTo("line one\nline two\n");
    }
}
