package io.tierlift.onprem.deploy;

import io.tierlift.onprem.release.BackendRelease;
import io.tierlift.onprem.release.StaticRelease;
import io.tierlift.onprem.release.Wheelhouse;

import java.util.Optional;

/**
 * What this deploy ships, built on the operator's machine before any host is touched: the
 * backend code, the wheels its requirements need (hosts need no package index), and the
 * static site. Absent parts are not needed by the topology.
 */
public record Releases(Optional<BackendRelease> backend, Optional<Wheelhouse> wheelhouse, Optional<StaticRelease> site) {
    public static Releases none() {
        return new Releases(Optional.empty(), Optional.empty(), Optional.empty());
    }
}
