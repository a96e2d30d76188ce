package io.tierlift.onprem.release;

import java.util.List;
import java.util.Optional;

/** Releases as a build makes them, for plans that need no files. */
public final class ReleaseFixtures {
    public static StaticRelease rebuiltSite(String id, String why) {
        return new StaticRelease(id, () -> new StaticRelease.Content(new byte[0], List.of()), Optional.of(why));
    }

    public static BackendRelease backendLeavingOut(String id, List<String> leftOut) {
        return new BackendRelease(id, () -> new byte[0], "0".repeat(64), "backend/requirements.txt", 1, leftOut);
    }

    private ReleaseFixtures() {
    }
}
