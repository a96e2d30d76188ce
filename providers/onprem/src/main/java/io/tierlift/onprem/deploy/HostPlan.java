package io.tierlift.onprem.deploy;

import io.tierlift.onprem.facts.HostState;
import io.tierlift.plan.PlannedChange;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** What a deploy would do on one host, and the state it was planned against. */
public record HostPlan(String host, HostState state, List<FileChange> files, List<PlannedChange> changes,
                       Set<ManagedService> servicesToRefresh, String fingerprint, boolean newBackendRelease,
                       boolean newStaticRelease, PackageInstall packages) {
    public HostPlan {
        files = List.copyOf(files);
        changes = List.copyOf(changes);
        servicesToRefresh = servicesToRefresh.isEmpty() ? EnumSet.noneOf(ManagedService.class) : EnumSet.copyOf(servicesToRefresh);
    }

    public boolean hasChanges() {
        return changes.stream().anyMatch(c -> c.action().isChange());
    }
}
