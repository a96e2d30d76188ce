package io.tierlift.release;

import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The frontend build every tier publishes, brought up to date in one way: {@code frontend.build}
 * runs ({@code sh -c}, in {@code frontend.path}) when the output folder is missing, when its
 * sources, lockfile or build command changed since tierlift built it ({@link FrontendBuildKey},
 * remembered in the cache folder), or when tierlift never recorded building it: an output folder
 * of unknown origin may be stale, and shipping it silently is what this prevents. A build that
 * fails then says how to publish the folder as it is on purpose ({@code --no-build}).
 *
 * <p>An output folder whose sources are not there at all (a build made elsewhere and copied in:
 * no frontend folder, or one holding nothing but the output) can't be compared or rebuilt: it is
 * published as it is, and the progress says so.
 */
public final class FrontendBuild {
    private final CommandRunner runner;
    private final Progress progress;
    private final FrontendBuildKey keys;

    public FrontendBuild(CommandRunner runner, Progress progress, Path cacheDir) {
        this.runner = runner;
        this.progress = progress;
        this.keys = new FrontendBuildKey(cacheDir);
    }

    /** The operator's cache folder, where build records and wheelhouses live: {@code ~/.tierlift/cache}. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".tierlift", "cache");
    }

    /**
     * Makes {@code frontend.dist} the build of the sources as they are now, and returns why it had
     * to build, or empty when it did not. With {@code noBuild} the folder is taken as it is (it must
     * exist) and nothing is checked.
     */
    public Optional<String> prepare(AppDescriptor d, boolean noBuild) {
        Path dist = dist(d);
        if (noBuild) {
            if (!Files.isDirectory(dist)) {
                throw new ReleaseException("--no-build: frontend.dist " + dist + " does not exist; build the frontend first, or "
                        + "leave out --no-build to let tierlift run `" + d.frontend().build() + "`");
            }
            progress.step("frontend", "--no-build: publishing " + dist + " as it is; its sources were not checked");
            return Optional.empty();
        }
        Path sources = d.baseDir().resolve(d.frontend().path()).normalize();
        if (!Files.isDirectory(sources) && Files.isDirectory(dist)) {
            progress.step("frontend", "frontend.path " + sources + " does not exist; publishing " + dist + " as it is");
            return Optional.empty();
        }
        if (!Files.isDirectory(sources)) {
            throw new ReleaseException("frontend.path: " + sources + " is not a folder");
        }
        FrontendBuildKey.Sources now = keys.read(sources, dist, d.frontend().build());
        if (now.files().isEmpty() && Files.isDirectory(dist)) {
            progress.step("frontend", sources + " holds nothing but the output folder; publishing " + dist + " as it is");
            return Optional.empty();
        }
        Optional<String> stale = keys.staleness(dist, now);
        if (stale.isEmpty()) {
            progress.step("frontend", dist + " is up to date with " + sources + " and `" + d.frontend().build() + "`");
            return stale;
        }
        progress.step("frontend", stale.get() + "; running `" + d.frontend().build() + "` in " + sources);
        keys.starting(dist);
        run(d, sources, dist, Files.isDirectory(dist));
        // Read again: a build may write into the sources (generated files), which must not count as a change next time.
        keys.remember(dist, keys.read(sources, dist, d.frontend().build()));
        return stale;
    }

    /**
     * Whether {@link #prepare} would build, and why, without building or recording anything: what an
     * offline plan shows.
     */
    public Optional<String> wouldBuild(AppDescriptor d, boolean noBuild) {
        Path dist = dist(d);
        Path sources = d.baseDir().resolve(d.frontend().path()).normalize();
        if (noBuild || !Files.isDirectory(sources)) {
            return Optional.empty();
        }
        FrontendBuildKey.Sources now = keys.read(sources, dist, d.frontend().build());
        return now.files().isEmpty() && Files.isDirectory(dist) ? Optional.empty() : keys.staleness(dist, now);
    }

    /** What a plan lists for a build {@link #prepare} ran (or an offline plan says would run). */
    public static PlannedChange planned(String target, AppDescriptor d, String why) {
        return PlannedChange.of(target + ".frontend:build", "build", Action.UPDATE,
                "built " + d.frontend().dist() + " with `" + d.frontend().build() + "`: " + why);
    }

    private static Path dist(AppDescriptor d) {
        return d.baseDir().resolve(d.frontend().dist()).normalize();
    }

    private void run(AppDescriptor d, Path sources, Path dist, boolean existed) {
        String command = d.frontend().build();
        CommandRunner.CommandResult result = runner.run(List.of("sh", "-c", command), sources, Map.of(),
                line -> progress.step("frontend", line));
        if (!result.ok()) {
            throw new ReleaseException("frontend build failed: `" + command + "` exited with " + result.exitCode()
                    + " in " + sources + (existed ? "; the existing " + dist + " is not known to be built from these sources, so it is "
                    + "not published in its place: fix the build, or pass --no-build to publish that folder as it is" : "")
                    + "; last lines:\n" + result.tail());
        }
        if (!Files.isDirectory(dist)) {
            throw new ReleaseException("frontend build `" + command + "` succeeded but did not create frontend.dist ("
                    + dist + "); check that `dist` names the folder the build writes");
        }
    }
}
