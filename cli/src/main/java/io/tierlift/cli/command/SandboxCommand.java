package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.sandbox.MachineOs;
import io.tierlift.sandbox.Sandbox;
import io.tierlift.sandbox.SandboxException;
import io.tierlift.sandbox.SandboxHost;
import io.tierlift.sandbox.SandboxSpec;
import io.tierlift.sandbox.SandboxStatus;
import io.tierlift.secret.SecretRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "sandbox", description = {"A local data center of SSH hosts on this machine, one per on-prem host of the descriptor",
        "(own network, mount and PID namespaces; needs root). Writes an SSH config, known_hosts and a key under ~/.tierlift/sandbox."})
public final class SandboxCommand implements Callable<Integer> {
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private final Application app;

    @Parameters(index = "0", paramLabel = "ACTION", description = "up, down, status, or restart HOST (a machine: "
            + "clean shutdown, then boot again, as a server reboot).")
    String action;

    @Parameters(index = "1", paramLabel = "HOST", arity = "0..1", description = "The machine to restart.")
    String host;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "examples/notes/sandbox.yaml",
            description = "Descriptor whose on-prem hosts to create (default: ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the sandbox keeps its hosts, key and SSH config "
            + "(default: ~/.tierlift/sandbox). Several sandboxes need several folders and bridges.")
    Path stateDir;

    @Option(names = "--bridge", paramLabel = "NAME", defaultValue = SandboxSpec.DEFAULT_BRIDGE,
            description = "Bridge joining the hosts (tl-<letters/digits>, default: ${DEFAULT-VALUE}).")
    String bridge;

    @Option(names = "--machines", description = "Boot each host as a Debian machine with systemd (login `deploy` with "
            + "sudo, nothing installed but sshd, sudo and python3; packages from a cache on the bridge) instead of a "
            + "namespace host sharing this machine's software. The first run per release builds its root (minutes).")
    boolean machines;

    @Option(names = "--os", paramLabel = "RELEASE", defaultValue = "debian12",
            description = "Release the machines boot with --machines: debian12 or debian13 (default: ${DEFAULT-VALUE}).")
    String os;

    SandboxCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Sandbox sandbox = new Sandbox(stateDir != null ? stateDir : Sandbox.defaultStateDir(), new ProcessCommandRunner());
        if (host != null && !action.equals("restart")) {
            throw new UserException("sandbox " + action + " takes no host name (only restart does)", ExitCode.USAGE);
        }
        try {
            switch (action) {
                case "up" -> up(sandbox);
                case "down" -> {
                    sandbox.down(app.console()::info);
                    app.console().info("sandbox is down");
                }
                case "status" -> status(sandbox.status());
                case "restart" -> {
                    if (host == null) {
                        throw new UserException("sandbox restart needs the machine's name, e.g. sandbox restart app1", ExitCode.USAGE);
                    }
                    sandbox.restart(host, app.console()::info);
                }
                default -> throw new UserException("unknown sandbox action '" + action + "'; expected up, down, status or restart",
                        ExitCode.USAGE);
            }
        } catch (SandboxException e) {
            throw new UserException(e.getMessage());
        }
        return ExitCode.OK;
    }

    private MachineOs machineOs() {
        try {
            return MachineOs.parse(os);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage(), ExitCode.USAGE);
        }
    }

    private void up(Sandbox sandbox) {
        if (!machines && !os.equals("debian12")) {
            throw new UserException("--os chooses the release of --machines; add --machines", ExitCode.USAGE);
        }
        // Checked before anything is loaded or created.
        MachineOs release = machines ? machineOs() : null;
        LoadedDescriptor loaded = app.loader().load(file, Optional.empty());
        AppDescriptor descriptor = loaded.descriptor();
        var target = descriptor.targets().onprem().orElseThrow(() ->
                new UserException(file + ": the descriptor has no targets.onprem section to build a sandbox from", ExitCode.INVALID_DESCRIPTOR));
        List<SandboxHost> hosts = new ArrayList<>();
        for (Host host : target.hosts()) {
            hosts.add(new SandboxHost(host.name(), host.address()));
        }
        // The hosts' /24 is taken from the first address; the bridge takes its .1.
        String first = hosts.get(0).address();
        String prefix = first.substring(0, first.lastIndexOf('.') + 1);
        SandboxSpec spec = new SandboxSpec(bridge, prefix + "0/24", prefix + "1", hosts);
        if (machines) {
            sandbox.upMachines(spec, release, app.console()::info);
        } else {
            sandbox.up(spec, app.console()::info);
        }
        createSandboxSecrets(descriptor, sandbox.stateDir());
        app.console().info("sandbox is up: " + hosts.size() + " hosts; ssh -F " + sandbox.sshConfig() + " " + hosts.get(0).name());
    }

    /**
     * Secrets the sandbox descriptors keep under the sandbox folder are made here, random, once:
     * the demo then needs no environment variables, and nothing secret is in the repository.
     */
    private void createSandboxSecrets(AppDescriptor descriptor, Path stateDir) {
        List<SecretRef> refs = new ArrayList<>();
        refs.add(descriptor.database().password());
        descriptor.database().replicationPassword().ifPresent(refs::add);
        descriptor.database().backup().ifPresent(backup -> refs.add(backup.key()));
        Path secretsDir = stateDir.resolve("secrets").toAbsolutePath().normalize();
        SecureRandom random = new SecureRandom();
        for (SecretRef ref : refs) {
            if (ref.kind() != SecretRef.Kind.FILE) {
                continue;
            }
            Path path = expand(ref.locator(), descriptor.baseDir());
            if (!path.startsWith(secretsDir) || Files.exists(path)) {
                continue;
            }
            StringBuilder value = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                value.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            try {
                Files.createDirectories(secretsDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Files.writeString(Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                        value + "\n");
                app.console().info("created sandbox secret " + path);
            } catch (IOException e) {
                throw new UserException("cannot create " + path + ": " + e.getMessage());
            }
        }
    }

    private static Path expand(String locator, Path baseDir) {
        if (locator.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(locator.substring(2)).toAbsolutePath().normalize();
        }
        return baseDir.resolve(locator).toAbsolutePath().normalize();
    }

    private void status(SandboxStatus status) {
        if (!status.recorded()) {
            app.console().out().println("sandbox: not up");
        } else {
            app.console().out().println("sandbox: " + status.kind());
        }
        for (SandboxStatus.Host host : status.hosts()) {
            String system = host.system().isEmpty() ? "" : " (systemd: " + host.system() + ")";
            app.console().out().printf("%-10s %-15s %s%s%n", host.name(), host.address(), host.up() ? "up" : "DOWN", system);
        }
        app.console().out().flush();
    }
}
