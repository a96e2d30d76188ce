package io.tierlift.onprem.facts;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything tierlift needs to know about a host before planning, read in one round trip:
 * managed files, running services (by PID, so a test can see a no-op deploy restarted nothing),
 * current releases, PostgreSQL's role, the deploy lease, leftovers of an interrupted deploy,
 * which of the packages its roles need are installed, and the version of its /usr/bin/python3
 * ({@code python}, e.g. "3.11"; empty when there is none).
 */
public record HostState(String host, boolean systemd, Optional<String> currentRelease, Optional<String> currentStatic,
                        Optional<Long> nginxPid, Optional<Long> appPid, Optional<Long> postgresPid,
                        boolean postgresClusterExists, boolean postgresStandby, Optional<String> lease,
                        Map<String, FileFact> files, List<String> leftovers, List<String> releases,
                        List<String> staticReleases, List<String> venvs, Optional<String> previousRelease,
                        Optional<String> previousStatic, PackageFacts packages, Optional<String> python) {
    public HostState {
        files = Map.copyOf(files);
        leftovers = List.copyOf(leftovers);
        releases = List.copyOf(releases);
        staticReleases = List.copyOf(staticReleases);
        venvs = List.copyOf(venvs);
    }

    /** The release id a link such as {@code releases/r-abc} points at. */
    public static Optional<String> releaseId(Optional<String> link) {
        return link.map(l -> l.substring(l.lastIndexOf('/') + 1));
    }

    /** The same state with what the host's package sources offer for its missing packages. */
    public HostState withPackages(PackageFacts facts) {
        return new HostState(host, systemd, currentRelease, currentStatic, nginxPid, appPid, postgresPid, postgresClusterExists,
                postgresStandby, lease, files, leftovers, releases, staticReleases, venvs, previousRelease, previousStatic, facts, python);
    }

    public FileFact file(String path) {
        return files.getOrDefault(path, FileFact.missing(path));
    }
}
