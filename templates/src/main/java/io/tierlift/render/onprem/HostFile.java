package io.tierlift.render.onprem;

import io.tierlift.provider.RenderedFile;

/** Builds on-prem file locations: {@code <host>/<absolute path on that host>}. */
public final class HostFile {
    private HostFile() {
    }

    public static RenderedFile of(OnpremScope scope, String absolutePath, String content, int mode, String owner,
                                  String group, boolean sensitive) {
        if (!absolutePath.startsWith("/") || absolutePath.contains("/../")) {
            throw new IllegalArgumentException("host paths must be absolute: " + absolutePath);
        }
        return RenderedFile.text(scope.host().name() + absolutePath, content, mode, owner, group, sensitive);
    }

    /** A root-owned, world-readable config file. */
    public static RenderedFile config(OnpremScope scope, String absolutePath, String content) {
        return of(scope, absolutePath, content, 0644, "root", "root", false);
    }
}
