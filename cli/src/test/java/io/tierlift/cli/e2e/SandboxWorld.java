package io.tierlift.cli.e2e;

import io.tierlift.release.ExecResult;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.sandbox.Sandbox;
import io.tierlift.sandbox.SandboxHost;
import io.tierlift.sandbox.SandboxSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private copy of the example app and a sandbox of its own (own state folder, bridge and subnet),
 * so end-to-end tests never touch a sandbox a developer has up. The descriptor is the example's
 * sandbox descriptor with its addresses and paths moved to this world.
 */
final class SandboxWorld implements AutoCloseable {
    final Path root;
    final Path appDir;
    final Path stateDir;
    final Path descriptor;
    final Sandbox sandbox;
    final String subnetPrefix;
    final List<SandboxHost> hosts = new ArrayList<>();

    SandboxWorld(String exampleDescriptor, int subnet, String bridge) throws IOException {
        this(exampleDescriptor, subnet);
        claimBridge(bridge);
        sandbox.up(new SandboxSpec(bridge, subnetPrefix + "0/24", subnetPrefix + "1", hosts), line -> { });
    }

    /**
     * A world of booted Debian machines ({@code sandbox up --machines}, as an operator runs it): the descriptor
     * logs in as the sudo user deploy, and packages come only from the sandbox's cache on the bridge.
     */
    static SandboxWorld machines(String exampleDescriptor, int subnet, String bridge, String os) throws IOException {
        SandboxWorld world = new SandboxWorld(exampleDescriptor, subnet);
        // Machines refuse root logins: a namespace-sandbox descriptor logs in as the sudo user instead.
        Files.writeString(world.descriptor, Files.readString(world.descriptor).replace("user: root", "user: deploy"));
        // Passwords with characters SASLprep changes (a ligature, a no-break space): clients normalise them.
        Files.writeString(world.stateDir.resolve("secrets/notes-db-password"),
                "db-\ufb01le\u00a0" + Long.toHexString(System.nanoTime()) + "\n");
        Files.writeString(world.stateDir.resolve("secrets/notes-replication-password"),
                "repl-\ufb01\u00a0" + Long.toHexString(System.nanoTime()) + "\n");
        world.claimBridge(bridge);
        Cli up = Cli.run(world.env(), "sandbox", "up", "--machines", "--os", os, "-f", world.descriptor.toString(),
                "--state-dir", world.stateDir.toString(), "--bridge", bridge);
        if (up.exitCode() != 0) {
            world.close();
            throw new IllegalStateException("sandbox up --machines failed:\n" + up.all());
        }
        return world;
    }

    private SandboxWorld(String exampleDescriptor, int subnet) throws IOException {
        root = Files.createTempDirectory("tierlift-e2e-");
        appDir = root.resolve("app");
        stateDir = root.resolve("sandbox");
        subnetPrefix = "10.240." + subnet + ".";
        Path example = Path.of("../examples/notes");
        copyTree(example.resolve("backend"), appDir.resolve("backend"));
        copyTree(example.resolve("frontend/dist"), appDir.resolve("frontend/dist"));
        if (!Files.exists(appDir.resolve("frontend/dist/index.html"))) {
            throw new IllegalStateException("examples/notes/frontend/dist is missing: build it first (bin/test does)");
        }
        String text = Files.readString(example.resolve(exampleDescriptor))
                .replace("~/.tierlift/sandbox", stateDir.toString())
                .replace("10.231.0.", subnetPrefix);
        descriptor = appDir.resolve("app.yaml");
        Files.writeString(descriptor, text);
        Files.createDirectories(stateDir.resolve("secrets"));
        Files.writeString(stateDir.resolve("secrets/notes-db-password"), "db-" + Long.toHexString(System.nanoTime()) + "\n");
        Files.writeString(stateDir.resolve("secrets/notes-replication-password"), "repl-" + Long.toHexString(System.nanoTime()) + "\n");
        Files.writeString(stateDir.resolve("secrets/notes-backup-key"), "bk-" + Long.toHexString(System.nanoTime()) + "\n");
        Matcher host = Pattern.compile("^\\s{6}([a-z0-9-]+):\\s*\\{\\s*address:\\s*([0-9.]+)", Pattern.MULTILINE).matcher(text);
        while (host.find()) {
            hosts.add(new SandboxHost(host.group(1), host.group(2)));
        }
        sandbox = new Sandbox(stateDir, new ProcessCommandRunner());
    }

    /**
     * Takes down a world that an interrupted earlier run left up on this bridge (its JVM was killed before
     * {@link #close()}), then marks the bridge as this world's. Only folders this class made are touched.
     */
    private void claimBridge(String bridge) throws IOException {
        try (Stream<Path> roots = Files.list(root.getParent())) {
            for (Path other : roots.filter(p -> p.getFileName().toString().startsWith("tierlift-e2e-")
                    && !p.equals(root)).toList()) {
                Path mark = other.resolve(BRIDGE_MARK);
                if (Files.isRegularFile(mark) && Files.readString(mark).strip().equals(bridge)) {
                    new Sandbox(other.resolve("sandbox"), new ProcessCommandRunner()).down(line -> { });
                    deleteTree(other);
                }
            }
        }
        Files.writeString(root.resolve(BRIDGE_MARK), bridge + "\n");
    }

    private static final String BRIDGE_MARK = "bridge";

    String address(String host) {
        return hosts.stream().filter(h -> h.name().equals(host)).findFirst().orElseThrow().address();
    }

    /** A machine's clean shutdown and boot (machine worlds only). */
    void restart(String host) {
        sandbox.restart(host, line -> { });
    }

    ExecResult exec(String host, String script) {
        return sandbox.execInHost(host, List.of("sh", "-c", script));
    }

    /** curl from the machine (the bridge's address) to the sandbox: only our own namespaces. */
    CurlResult curl(String... args) {
        List<String> argv = new ArrayList<>(List.of("curl", "-sk", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}"));
        argv.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(argv).redirectErrorStream(false).start();
            String out = new String(process.getInputStream().readAllBytes());
            process.waitFor();
            int cut = out.lastIndexOf('\n');
            return new CurlResult(Integer.parseInt(out.substring(cut + 1).strip()), out.substring(0, Math.max(0, cut)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record CurlResult(int status, String body) {
    }

    Map<String, String> env() {
        return Map.of("HOME", System.getProperty("user.home"));
    }

    @Override
    public void close() throws IOException {
        try {
            sandbox.down(line -> { });
        } finally {
            deleteTree(root);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> walk = Files.walk(top)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A copy of an app folder without caches and tests; also for a world's variant of its backend. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                String relative = from.relativize(source).toString();
                if (relative.contains("__pycache__") || relative.startsWith("tests")) {
                    continue;
                }
                Path target = to.resolve(relative);
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target);
                }
            }
        }
    }
}
