package io.tierlift.onprem.deploy;

import java.util.List;

/**
 * The packages a deploy installs on one host before anything else, and whether the host's package
 * lists must be downloaded first (a fresh machine has none).
 */
record PackageInstall(List<String> packages, boolean refreshLists) {
    PackageInstall {
        packages = List.copyOf(packages);
    }

    static PackageInstall none() {
        return new PackageInstall(List.of(), false);
    }

    boolean needed() {
        return !packages.isEmpty();
    }
}
