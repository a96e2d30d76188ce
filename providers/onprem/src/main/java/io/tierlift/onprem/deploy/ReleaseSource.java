package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Role;
import io.tierlift.onprem.release.ReleaseBuilder;
import io.tierlift.onprem.release.ReleaseIdCache;

import java.nio.file.Path;
import java.util.Optional;

/** Builds what a deploy ships; tests replace it to avoid builds. */
public interface ReleaseSource {
    Releases build(AppDescriptor descriptor);

    /**
     * Builds the backend, its wheels and the static site for the roles the topology has; the ids of
     * unchanged folders come from {@code cacheDir}, their archives are only made when a host needs them.
     * With {@code noBuild} the frontend's output folder is taken as it is.
     */
    static ReleaseSource using(ReleaseBuilder builder, Path cacheDir, boolean noBuild) {
        ReleaseIdCache ids = new ReleaseIdCache(cacheDir);
        return descriptor -> {
            var target = descriptor.targets().onprem().orElseThrow();
            boolean apps = !target.hostsWith(Role.APP).isEmpty();
            boolean site = !target.hostsWith(Role.STATIC).isEmpty();
            return new Releases(
                    apps ? Optional.of(builder.backend(descriptor, ids)) : Optional.empty(),
                    apps ? Optional.of(builder.wheelhouse(descriptor, cacheDir)) : Optional.empty(),
                    site ? Optional.of(builder.staticSite(descriptor, ids, noBuild)) : Optional.empty());
        };
    }
}
