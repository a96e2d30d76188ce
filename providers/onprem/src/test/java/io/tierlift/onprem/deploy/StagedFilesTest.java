package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.FileCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.provider.Progress;
import io.tierlift.provider.RenderedFile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Place, validate, then commit or restore: the commands each outcome sends to the host, in order. */
class StagedFilesTest {
    private static final Host HOST = new Host("proxy1", "10.0.1.10", "a", Set.of(Role.PROXY), Optional.empty(), Optional.empty(),
            Optional.empty());
    private final FileCommands files = new FileCommands();
    private final List<String> sent = new ArrayList<>();
    private final HostSession session = new HostSession(HOST, new Recording());
    private final DeployReport report = new DeployReport(new Plan(Plan.FORMAT_VERSION, "notes", "prod", "onprem", "digest",
            Instant.EPOCH, List.of(), Map.of()));
    private final StagedFiles staged = new StagedFiles(Progress.silent(), report);

    private final FileChange updated = change("/etc/nginx/nginx.conf", Action.UPDATE);
    private final FileChange created = change("/etc/nginx/sites/notes.conf", Action.CREATE);

    @Test
    void acceptedFilesArePlacedThenCommitted() {
        RemoteCommand validate = RemoteCommand.of("nginx", "-t");

        staged.apply(session, List.of(updated, created), () -> session.run("validating", validate), () -> { });

        assertThat(sent).containsExactly(shell(
                files.stage("/etc/nginx/nginx.conf", "root", "root", 0644),
                files.stage("/etc/nginx/sites/notes.conf", "root", "root", 0644),
                files.activate(List.of("/etc/nginx/nginx.conf", "/etc/nginx/sites/notes.conf")),
                validate,
                files.commit(List.of("/etc/nginx/nginx.conf", "/etc/nginx/sites/notes.conf"))));
        assertThat(report.hosts()).containsEntry("proxy1", DeployReport.HostResult.CHANGED);
    }

    @Test
    void refusedFilesAreRestoredAndTheServiceRecoversBeforeTheFailureIsThrown() {
        RemoteCommand recover = RemoteCommand.of("nginx", "-s", "reload");

        assertThatThrownBy(() -> staged.apply(session, List.of(updated, created),
                () -> { throw new HostFailure("proxy1", "nginx rejected the new configuration"); },
                () -> session.attempt(recover)))
                .isInstanceOf(HostFailure.class).hasMessageContaining("nginx rejected");

        assertThat(sent).endsWith(shell(
                files.activate(List.of("/etc/nginx/nginx.conf", "/etc/nginx/sites/notes.conf")),
                files.restore(List.of("/etc/nginx/nginx.conf"), List.of("/etc/nginx/sites/notes.conf")),
                recover));
        assertThat(sent).doesNotContain(files.commit(List.of("/etc/nginx/nginx.conf", "/etc/nginx/sites/notes.conf")).toShell());
        assertThat(report.hosts()).containsEntry("proxy1", DeployReport.HostResult.FAILED);
    }

    @Test
    void aFirstDeploysRefusedFilesAreRemovedAndNotCalledAPreviousConfiguration() {
        List<String> said = new ArrayList<>();
        StagedFiles first = new StagedFiles((scope, message) -> said.add(scope + ": " + message), report);
        assertThatThrownBy(() -> first.apply(session, List.of(created),
                () -> { throw new HostFailure("proxy1", "nginx rejected the new configuration"); }, () -> { }))
                .isInstanceOf(HostFailure.class);
        assertThat(said).endsWith("proxy1: new configuration removed (the host had none before)")
                .noneMatch(line -> line.contains("previous"));

        said.clear();
        StagedFiles later = new StagedFiles((scope, message) -> said.add(scope + ": " + message), report);
        assertThatThrownBy(() -> later.apply(session, List.of(updated, created),
                () -> { throw new HostFailure("proxy1", "nginx rejected the new configuration"); }, () -> { }))
                .isInstanceOf(HostFailure.class);
        assertThat(said).endsWith("proxy1: previous configuration restored");
    }

    @Test
    void withoutChangedFilesOnlyTheStepRunsAndAFailureHasNothingToRestore() {
        RemoteCommand recover = RemoteCommand.of("nginx", "-s", "reload");

        assertThatThrownBy(() -> staged.apply(session, List.of(), () -> { throw new HostFailure("proxy1", "down"); },
                () -> session.attempt(recover))).isInstanceOf(HostFailure.class);

        assertThat(sent).isEmpty();
        assertThat(report.hosts()).containsEntry("proxy1", DeployReport.HostResult.FAILED);
    }

    private static String[] shell(RemoteCommand... commands) {
        return Arrays.stream(commands).map(RemoteCommand::toShell).toArray(String[]::new);
    }

    private static FileChange change(String path, Action action) {
        RenderedFile file = RenderedFile.text("proxy1" + path, "worker_processes auto;\n", 0644, "root", "root", false);
        return new FileChange("proxy1", path, action, file, file, ManagedService.NGINX, "test");
    }

    /** Answers every command with success and remembers its shell text. */
    private final class Recording implements Connection {
        @Override
        public String host() {
            return HOST.name();
        }

        @Override
        public ExecResult run(RemoteCommand command, byte[] stdin) {
            sent.add(command.toShell());
            return new ExecResult(0, new byte[0], "");
        }

        @Override
        public void close() {
        }
    }
}
