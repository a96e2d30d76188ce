package io.tierlift.onprem.command;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExecCommandsTest {
    private final ExecCommands commands = new ExecCommands("notes", "/srv/notes");

    @Test
    void theOperatorsWordsFollowTheFixedScriptAsArgumentsNeverInsideIt() {
        List<String> words = List.of("python", "-c", "print('$HOME'); import os", "; rm -rf /");
        RemoteCommand command = commands.inApp("alice", words);
        List<String> argv = command.argv();
        assertThat(argv.subList(0, 2)).containsExactly("sh", "-c");
        assertThat(argv.get(2)).doesNotContain("print(").doesNotContain("alice");
        assertThat(argv.subList(argv.size() - words.size(), argv.size())).isEqualTo(words);
        assertThat(argv).contains("/usr/local/lib/tierlift/envexec.py", "/etc/notes/app-env.json", "/srv/notes", "notes",
                ExecCommands.LOG_FILE, ExecCommands.SYSLOG_TAG);
    }

    @Test
    void theServiceWrapperRunsTheCommandAsTheAppUserInTheLiveRelease() {
        String script = commands.inApp("alice", List.of("flask", "shell")).argv().get(2);
        assertThat(script).contains("exec runuser -u \"$user\" -- /usr/bin/python3 \"$envexec\" \"$envfile\" -- env PATH=\"$release/venv/bin:/usr/bin:/bin\" \"$@\"")
                .contains("cd \"$release/backend\"")
                .contains("readlink -f \"$root/current\"");
    }

    @Test
    void theRecordIsWrittenBeforeTheCommandRunsAndAnUnrecordedCommandDoesNotRun() {
        String script = commands.inApp("alice", List.of("true")).argv().get(2);
        assertThat(script.indexOf(">> \"$log\"")).isPositive().isLessThan(script.indexOf("exec runuser"));
        assertThat(script).contains("exit " + ExecCommands.NOT_RECORDED_EXIT).contains("logger -t \"$tag\"");
    }

    @Test
    void theRecordIsOneLineWhateverTheOperatorOrCommandHolds() {
        List<String> argv = commands.inApp("eve\nforged=1", List.of("sh", "-c", "echo a\necho b")).argv();
        String record = argv.get(10);
        assertThat(record).isEqualTo("operator=eve\\x0aforged=1 command=sh -c 'echo a\\x0aecho b'");
        assertThat(record).doesNotContain("\n");
    }
}
