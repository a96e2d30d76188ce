package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;
import io.tierlift.provider.RenderedFile;

import java.util.List;
import java.util.Set;

/**
 * Files that hold secrets are marked sensitive and readable by their owner (and at most its
 * group) only; no placed file is world-writable. A file that carries a secret stand-in but is not
 * marked sensitive would be shown in plan diffs and placed with a loose mode once rendered for real.
 */
final class FileModesRule extends OnpremRule {
    private static final Set<Integer> SECRET_MODES = Set.of(0600, 0640, 0400, 0440);
    private static final String SECRET_STAND_IN = "tierlift-secret-";

    FileModesRule() {
        super("onprem.file-modes", Severity.HIGH, "secret files are 0600/0640 and marked sensitive; no file is world-writable",
                "place secret files with mode 0600 (or 0640 for a service group), mark them sensitive, and never make a file world-writable");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            for (RenderedFile file : files.filesOf(host.name())) {
                Where where = Where.file(host.name(), OnpremFiles.pathOf(file), 0);
                String mode = String.format("%04o", file.mode());
                if (file.sensitive() && !SECRET_MODES.contains(file.mode())) {
                    findings.add(finding(where, "secret file has mode " + mode));
                } else if ((file.mode() & 0002) != 0) {
                    findings.add(finding(where, "world-writable (mode " + mode + ")"));
                } else if (!file.sensitive() && file.contentAsText().contains(SECRET_STAND_IN)) {
                    findings.add(finding(where, "holds a secret but is not marked sensitive (mode " + mode + ")"));
                }
            }
        }
    }
}
