package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * Turns a copy of the base root into one machine, as an installer leaves a fresh server: its own host name, address,
 * host keys and machine id, the login user {@code deploy} with passwordless sudo and the sandbox's key, root login
 * refused, and apt sources that name only the sandbox's package cache.
 */
final class MachineRoot {

    static final String LOGIN_USER = "deploy";

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final MachineCommandRunner runner;

    MachineRoot(MachineCommandRunner runner) {
        this.runner = runner;
    }

    /** The machine's root file system below its host directory. */
    static Path rootOf(Path hostDir) {
        return hostDir.resolve("root");
    }

    void prepare(Path base, Path hostDir, SandboxSpec spec, SandboxHost host, MachineOs os, DebianMirrors mirrors,
                 String clientPublicKey) throws IOException {
        Files.createDirectories(hostDir);
        Path root = rootOf(hostDir);
        // A reflink copy is instant where the file system supports it; elsewhere a plain copy takes a few seconds.
        mustRun(List.of("cp", "-a", "--reflink=auto", base.toString(), root.toString()));
        // As on any server; a base root cached by an earlier version may have kept its temporary directory's 0700.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path etc = root.resolve("etc");
        write(etc.resolve("hostname"), host.name() + "\n", "rw-r--r--");
        write(etc.resolve("hosts"), "127.0.1.1\t" + host.name() + "\n" + HostFilesystem.hostsFile(spec), "rw-r--r--");
        // Empty: systemd makes up a new id at boot, so machines never share one the base root was built with.
        write(etc.resolve("machine-id"), "", "r--r--r--");
        configureNetwork(etc, spec, host);
        configureApt(etc, spec, os, mirrors);
        regenerateHostKeys(root);
        write(etc.resolve("ssh/sshd_config.d/tierlift-sandbox.conf"), sshdDropIn(), "rw-r--r--");
        addLoginUser(root, clientPublicKey);
    }

    /** Read first by sshd (Debian's sshd_config includes the drop-ins at its top, and the first value wins). */
    static String sshdDropIn() {
        return "# A fresh server as tierlift expects one: key login as a sudo user, never as root.\n"
                + "PermitRootLogin no\n"
                + "PasswordAuthentication no\n"
                + "KbdInteractiveAuthentication no\n";
    }

    static String sudoers() {
        return LOGIN_USER + " ALL=(ALL:ALL) NOPASSWD: ALL\n";
    }

    /** systemd-networkd configuration: the host's address on eth0 and no gateway, so only the bridge is reachable. */
    static String networkFile(String address, int prefixLength) {
        return "[Match]\nName=eth0\n\n[Network]\nAddress=" + address + "/" + prefixLength + "\n"
                + "LinkLocalAddressing=no\nIPv6AcceptRA=no\n";
    }

    /** deb822 sources naming only the sandbox's package cache, with this release's suites. */
    static String aptSources(String bridgeAddress, MachineOs os, DebianMirrors mirrors) {
        String keyring = "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n";
        StringBuilder sources = new StringBuilder()
                .append("Types: deb\n")
                .append("URIs: ").append(AptCache.machineUrl(bridgeAddress, mirrors.archive())).append('\n')
                .append("Suites: ").append(os.codename()).append(' ').append(os.codename()).append("-updates\n")
                .append("Components: main\n")
                .append(keyring);
        mirrors.security().ifPresent(security -> sources.append('\n')
                .append("Types: deb\n")
                .append("URIs: ").append(AptCache.machineUrl(bridgeAddress, security)).append('\n')
                .append("Suites: ").append(os.codename()).append("-security\n")
                .append("Components: main\n")
                .append(keyring));
        return sources.toString();
    }

    /** The machine's ed25519 host public key, "ssh-ed25519 AAAA..." (no comment). */
    static String hostPublicKey(Path hostDir) throws IOException {
        String line = Files.readString(rootOf(hostDir).resolve("etc/ssh/ssh_host_ed25519_key.pub")).strip();
        String[] parts = line.split("\\s+");
        return parts[0] + " " + parts[1];
    }

    private void configureNetwork(Path etc, SandboxSpec spec, SandboxHost host) throws IOException {
        write(etc.resolve("systemd/network/10-sandbox.network"), networkFile(host.address(), spec.prefixLength()),
                "rw-r--r--");
        // What `systemctl enable systemd-networkd` would link; done from outside because the root is not running yet.
        enable(etc.resolve("systemd/system/multi-user.target.wants/systemd-networkd.service"),
                "/lib/systemd/system/systemd-networkd.service");
        enable(etc.resolve("systemd/system/sockets.target.wants/systemd-networkd.socket"),
                "/lib/systemd/system/systemd-networkd.socket");
    }

    private void configureApt(Path etc, SandboxSpec spec, MachineOs os, DebianMirrors mirrors) throws IOException {
        // debootstrap wrote a sources.list naming the real mirror, which machines cannot reach.
        Files.deleteIfExists(etc.resolve("apt/sources.list"));
        write(etc.resolve("apt/sources.list.d/debian.sources"), aptSources(spec.gateway(), os, mirrors), "rw-r--r--");
    }

    /** Every copy of the base root has the base's keys; two servers must never share one. */
    private void regenerateHostKeys(Path root) throws IOException {
        Path sshDir = root.resolve("etc/ssh");
        try (var keys = Files.newDirectoryStream(sshDir, "ssh_host_*")) {
            for (Path key : keys) {
                Files.delete(key);
            }
        }
        mustRun(List.of("ssh-keygen", "-A", "-f", root.toString()));
    }

    private void addLoginUser(Path root, String clientPublicKey) throws IOException {
        mustRun(List.of("useradd", "--root", root.toString(), "--create-home", "--shell", "/bin/bash",
                "--groups", "sudo", LOGIN_USER));
        write(root.resolve("etc/sudoers.d/" + LOGIN_USER), sudoers(), "r--r-----");
        Path sshDir = root.resolve("home").resolve(LOGIN_USER).resolve(".ssh");
        Files.createDirectories(sshDir);
        write(sshDir.resolve("authorized_keys"), clientPublicKey + "\n", "rw-------");
        Files.setPosixFilePermissions(sshDir, PosixFilePermissions.fromString("rwx------"));
        // chroot so the name resolves through the machine's own passwd, not this machine's.
        mustRun(List.of("chroot", root.toString(), "chown", "-R", LOGIN_USER + ":" + LOGIN_USER,
                "/home/" + LOGIN_USER + "/.ssh"));
    }

    private static void enable(Path link, String unitFile) throws IOException {
        Files.createDirectories(link.getParent());
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, Path.of(unitFile));
        }
    }

    private static void write(Path file, String content, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file); // never write through a symlink the root may hold
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    private void mustRun(List<String> argv) {
        ExecResult r = runner.run(argv, TIMEOUT);
        if (!r.ok()) {
            throw new SandboxException(String.join(" ", argv) + " failed: " + r.describe());
        }
    }
}
