package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The cached Debian root every machine is copied from, one per release: built once with debootstrap (about a minute
 * and a half) and reused by every later {@code sandbox up --machines}.
 *
 * <p>A root is built into a temporary directory beside its final place and renamed when debootstrap has succeeded, so
 * a crash or a failed download never leaves a half-built root where a finished one is expected.
 */
final class BaseRoots {

    /** What a fresh server has (sshd, sudo, python3) and what booting it with systemd needs. */
    static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "dbus", "openssh-server", "sudo",
            "python3", "iproute2");

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    private static final String BUILDING_PREFIX = "base.building-";

    private final MachineCommandRunner runner;
    private final Path cacheDir;

    /** @param cacheDir e.g. /var/cache/tierlift/machines; one subdirectory per release */
    BaseRoots(MachineCommandRunner runner, Path cacheDir) {
        this.runner = runner;
        this.cacheDir = cacheDir;
    }

    Path baseOf(MachineOs os) {
        return cacheDir.resolve(os.id()).resolve("base");
    }

    static List<String> debootstrapArgv(MachineOs os, Path target, DebianMirrors mirrors) {
        return List.of("debootstrap", "--variant=minbase", "--include=" + String.join(",", PACKAGES),
                os.codename(), target.toString(), mirrors.archive().toString());
    }

    /** The cached root of {@code os}, built first when there is none. */
    Path ensure(MachineOs os, DebianMirrors mirrors, ProgressListener progress) {
        Path base = baseOf(os);
        if (Files.isDirectory(base)) {
            return base;
        }
        Path releaseDir = base.getParent();
        try {
            Files.createDirectories(releaseDir);
            removeAbandonedBuilds(releaseDir);
            Path building = Files.createTempDirectory(releaseDir, BUILDING_PREFIX);
            // It becomes the machines' "/": temp directories are private, and a 0700 root stops every service that
            // runs as its own user (systemd-networkd fails with status=200/CHDIR).
            Files.setPosixFilePermissions(building, PosixFilePermissions.fromString("rwxr-xr-x"));
            progress.message("building the " + os.id() + " base root with debootstrap from " + mirrors.archive()
                    + " (once; cached in " + base + ")");
            long started = System.nanoTime();
            Path log = releaseDir.resolve("debootstrap.log");
            ExecResult r = runner.run(debootstrapArgv(os, building, mirrors), BUILD_TIMEOUT);
            Files.writeString(log, r.stdout() + r.stderr());
            if (!r.ok()) {
                deleteQuietly(building);
                throw new SandboxException("debootstrap of " + os.codename() + " from " + mirrors.archive()
                        + " failed: " + r.describe() + "; full output in " + log);
            }
            try {
                Files.move(building, base, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException e) {
                // Another sandbox finished the same build first; its root is as good as ours.
                deleteQuietly(building);
            } catch (IOException e) {
                if (!Files.isDirectory(base)) {
                    throw e;
                }
                deleteQuietly(building);
            }
            progress.message(String.format("%s base root built in %.0f s", os.id(), (System.nanoTime() - started) / 1e9));
            return base;
        } catch (IOException e) {
            throw new SandboxException("cannot build the machine base root in " + releaseDir + ": " + e.getMessage(), e);
        }
    }

    /** Builds whose process is gone (a crash, a kill) are only in the way; their names say they never finished. */
    private void removeAbandonedBuilds(Path releaseDir) throws IOException {
        try (DirectoryStream<Path> builds = Files.newDirectoryStream(releaseDir, BUILDING_PREFIX + "*")) {
            for (Path build : builds) {
                // A build newer than the timeout may belong to a concurrent `up`; older ones are abandoned.
                long age = System.currentTimeMillis() - Files.getLastModifiedTime(build).toMillis();
                if (age > BUILD_TIMEOUT.toMillis()) {
                    deleteQuietly(build);
                }
            }
        }
    }

    private void deleteQuietly(Path dir) {
        // rm rather than a Java walk: a debootstrap root holds device nodes and may be large.
        runner.run(List.of("rm", "-rf", "--one-file-system", "--", dir.toString()), Duration.ofMinutes(5));
    }
}
