package io.tierlift.onprem.deploy;

import io.tierlift.onprem.command.FileCommands;
import io.tierlift.plan.Action;
import io.tierlift.provider.Progress;

import java.util.List;

/**
 * The one way changed files reach a host: place (stage each file next to its target, then swap
 * them all in, keeping the previous versions), let the service validate and take them, then
 * commit (drop the previous versions); when the service refuses, restore puts the previous files
 * back and removes the ones that did not exist before, so the host keeps serving what it had.
 */
final class StagedFiles {
    private final FileCommands files = new FileCommands();
    private final Progress progress;
    private final DeployReport report;

    StagedFiles(Progress progress, DeployReport report) {
        this.progress = progress;
        this.report = report;
    }

    /** Uploads and swaps in the files; the previous versions stay until {@link #commit} or {@link #restore}. */
    void place(HostSession session, List<FileChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        for (FileChange change : changes) {
            var file = change.wanted();
            session.run("uploading " + change.path(), files.stage(change.path(), file.owner(), file.group(), file.mode()), file.content());
        }
        session.run("swapping in new files", files.activate(paths(changes)));
        for (FileChange change : changes) {
            progress.step(session.name(), (change.action() == Action.CREATE ? "created " : "updated ") + change.path());
        }
        report.changed(session.name());
    }

    /** Keeps the placed files: the service runs on them. */
    void commit(HostSession session, List<FileChange> changes) {
        if (!changes.isEmpty()) {
            session.run("committing files", files.commit(paths(changes)));
        }
    }

    /** Best effort, on a failure path: the previous files back, the newly created ones gone. */
    void restore(HostSession session, List<FileChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<String> existed = changes.stream().filter(c -> c.action() != Action.CREATE).map(FileChange::path).toList();
        List<String> created = changes.stream().filter(c -> c.action() == Action.CREATE).map(FileChange::path).toList();
        session.attempt(files.restore(existed, created));
    }

    /**
     * Places the files, runs {@code step} (validate and reload), and commits. If the step fails the
     * previous files are put back and {@code recover} brings the service back on them before the
     * failure is reported and thrown again.
     */
    void apply(HostSession session, List<FileChange> changes, Runnable step, Runnable recover) {
        place(session, changes);
        try {
            step.run();
        } catch (RuntimeException failure) {
            if (!changes.isEmpty()) {
                restore(session, changes);
                recover.run();
                boolean hadConfiguration = changes.stream().anyMatch(c -> c.action() != Action.CREATE);
                // A first deploy has no earlier files to speak of: its new ones are only taken away.
                progress.step(session.name(), hadConfiguration ? "previous configuration restored"
                        : "new configuration removed (the host had none before)");
            }
            report.failed(session.name());
            throw failure;
        }
        commit(session, changes);
    }

    private static List<String> paths(List<FileChange> changes) {
        return changes.stream().map(FileChange::path).toList();
    }
}
