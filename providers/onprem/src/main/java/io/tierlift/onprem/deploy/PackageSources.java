package io.tierlift.onprem.deploy;

import io.tierlift.onprem.command.PackageCommands;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.facts.PackageFacts;
import io.tierlift.onprem.ssh.ExecResult;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks a host's package sources about the packages its roles need but it lacks. A second round
 * trip, made only when something is missing (a first deploy), so a redeploy still reads each host
 * once.
 */
final class PackageSources {
    private final PackageCommands commands = new PackageCommands();

    HostState complete(HostSession session, HostState state, List<String> wanted) {
        List<String> missing = state.packages().missing(wanted);
        if (missing.isEmpty()) {
            return state;
        }
        ExecResult result = session.run("reading what the package sources offer", commands.candidates(missing));
        PackageFacts offered = read(state.packages(), result.out());
        if (!offered.listsPresent()) {
            // A fresh host has no package lists, so nothing could say whether a version is on offer. Downloading
            // them changes apt's cache only, and lets plan refuse an unavailable version before any change.
            session.run("downloading the package lists (the host has none yet)", commands.refreshLists());
            offered = read(state.packages(), session.run("reading what the package sources offer", commands.candidates(missing)).out());
        }
        return state.withPackages(offered);
    }

    /** Adds the answer of {@link PackageCommands#candidates} to what the probe found. */
    static PackageFacts read(PackageFacts probed, String answer) {
        Map<String, String> candidates = new HashMap<>();
        boolean lists = false;
        for (String line : answer.split("\n")) {
            if (line.equals("LISTS yes")) {
                lists = true;
            } else if (line.startsWith("CANDIDATE ")) {
                String[] parts = line.substring("CANDIDATE ".length()).split(" ", 2);
                if (parts.length == 2) {
                    candidates.put(parts[0], parts[1].strip());
                }
            }
        }
        return probed.withCandidates(candidates, lists);
    }
}
