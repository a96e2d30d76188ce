package io.tierlift.sandbox;

import io.tierlift.release.MachineCommandRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The machine sandbox's package cache: an {@code apt-cacher-ng} of its own, listening only on the bridge address, that
 * fetches from this machine's Debian mirror. Machines reach nothing but the bridge, so this is how they install
 * packages, and what one test fetched the next one finds in the cache.
 *
 * <p>It gets a configuration directory of its own because the package's default one remaps Debian requests to mirrors
 * from its own list (not reachable everywhere), listens on every address and shares /run and the cache with a system
 * apt-cacher-ng.
 */
final class AptCache {

    static final int PORT = 3142;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final MachineCommandRunner runner;
    private final ProcFs procFs;
    private final Path runDir;
    private final Path cacheDir;

    /**
     * @param runDir   this sandbox's directory for the cache's configuration, logs and socket (removed on down)
     * @param cacheDir where fetched packages are kept across sandboxes, e.g. /var/cache/tierlift/apt-cacher-ng
     */
    AptCache(MachineCommandRunner runner, ProcFs procFs, Path runDir, Path cacheDir) {
        this.runner = runner;
        this.procFs = procFs;
        this.runDir = runDir;
        this.cacheDir = cacheDir;
    }

    /** The base URL machines use for {@code mirror}, e.g. {@code http://10.231.0.1:3142/deb.debian.org/debian}. */
    static String machineUrl(String bridgeAddress, java.net.URI mirror) {
        return "http://" + bridgeAddress + ":" + PORT + "/" + DebianMirrors.hostAndPath(mirror);
    }

    /** acng.conf: each mirror the machines name is remapped to exactly that mirror, so no other host is asked. */
    static String config(String bridgeAddress, DebianMirrors mirrors, Path cacheDir, Path runDir) {
        StringBuilder conf = new StringBuilder()
                .append("# apt-cacher-ng of one tierlift machine sandbox; written by `sandbox up --machines`.\n")
                .append("CacheDir: ").append(cacheDir).append('\n')
                .append("LogDir: ").append(runDir.resolve("log")).append('\n')
                .append("SupportDir: /usr/lib/apt-cacher-ng\n")
                .append("Port: ").append(PORT).append('\n')
                .append("BindAddress: ").append(bridgeAddress).append('\n')
                .append("SocketPath: ").append(runDir.resolve("socket")).append('\n')
                .append("PidFile: ").append(runDir.resolve("pid")).append('\n')
                // In the foreground the process we start is the one to stop: no daemon to find by name later.
                .append("ForeGround: 1\n")
                .append("ExThreshold: 4\n")
                .append("Remap-debrep: ").append(DebianMirrors.hostAndPath(mirrors.archive())).append(" ; ")
                .append(mirrors.archive()).append("/\n");
        mirrors.security().ifPresent(security -> conf
                .append("Remap-secdeb: ").append(DebianMirrors.hostAndPath(security)).append(" ; ")
                .append(security).append("/\n"));
        return conf.toString();
    }

    /** Starts the cache on the bridge address and returns its PID once it accepts connections. */
    long start(String bridgeAddress, DebianMirrors mirrors) {
        Path confDir = runDir.resolve("conf");
        try {
            Files.createDirectories(confDir);
            Files.createDirectories(runDir.resolve("log"));
            Files.createDirectories(cacheDir);
            Files.writeString(confDir.resolve("acng.conf"), config(bridgeAddress, mirrors, cacheDir, runDir),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SandboxException("cannot write the package cache's configuration in " + runDir + ": "
                    + e.getMessage(), e);
        }
        Path log = runDir.resolve("apt-cacher-ng.out");
        // Own session: the cache must outlive this JVM, like the machines it serves.
        long pid = runner.spawn(List.of("setsid", "apt-cacher-ng", "-c", confDir.toString()), log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(bridgeAddress)) {
            if (procFs.startTicks(pid).isEmpty()) {
                throw new SandboxException("apt-cacher-ng exited at start; see " + log + " and " + runDir.resolve("log"));
            }
            if (System.nanoTime() > deadline) {
                throw new SandboxException("apt-cacher-ng did not listen on " + bridgeAddress + ":" + PORT + " within "
                        + START_TIMEOUT.toSeconds() + " s; see " + log);
            }
            Threads.sleep(50);
        }
        return pid;
    }

    OptionalLong startTicks(long pid) {
        return procFs.startTicks(pid);
    }

    /** Stops the recorded cache process (only if it is still that very process): SIGTERM, then SIGKILL. */
    void stop(long pid, long startTicks) {
        if (pid <= 0 || !procFs.isSameProcess(pid, startTicks)) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (procFs.isSameProcess(pid, startTicks)) {
            if (System.nanoTime() > deadline) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                deadline = Long.MAX_VALUE;
            }
            Threads.sleep(20);
        }
    }

    private static boolean accepts(String address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, PORT), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
