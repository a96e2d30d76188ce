package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out the private directories of one host under {@code hosts/NAME/fs} on the machine. At start-up the host's
 * init bind-mounts each of them over the machine's directory of the same path.
 *
 * <p>Why these: /etc so every host has its own nginx, PostgreSQL, ssh, nftables and app configuration, hostname and
 * hosts file; /root because the machine's root dotfiles (e.g. a pyenv hook in .bashrc) would slow every SSH command
 * down and make hosts differ from a fresh server; the data, log and cache directories of the services so two hosts
 * never share state. /usr and dpkg's state stay shared: the software is installed once, on the machine.
 */
final class HostFilesystem {

    /** A host directory replacing the machine's; either a copy of the machine's or a new empty one. */
    record Dir(String path, boolean copyFromMachine, String owner, String group, String mode) { }

    /** Bind-mounted in this order by init.sh. */
    static final List<Dir> BIND_DIRS = List.of(
            new Dir("etc", true, null, null, null),
            new Dir("root", false, "root", "root", "0700"),
            new Dir("srv", false, "root", "root", "0755"),
            new Dir("opt", false, "root", "root", "0755"),
            new Dir("var/lib/postgresql", false, "postgres", "postgres", "0755"),
            new Dir("var/lib/nginx", false, "root", "root", "0755"),
            // pgBackRest's repository (on a backup host) and its spool: each host's own, like a server's disk.
            new Dir("var/lib/pgbackrest", false, "postgres", "postgres", "0750"),
            new Dir("var/spool/pgbackrest", false, "postgres", "postgres", "0750"),
            new Dir("var/lib/tierlift", false, "root", "root", "0755"),
            // tierlift's own programs (envexec) and ModSecurity's collections: what one host's deploy or destroy
            // places or removes there must not change another host, or another sandbox running beside it.
            new Dir("usr/local/lib/tierlift", false, "root", "root", "0755"),
            new Dir("var/cache/modsecurity", false, "www-data", "www-data", "0750"),
            // Users' crontabs (a backup host without systemd schedules its backups there).
            new Dir("var/spool/cron", false, "root", "root", "0755"),
            new Dir("var/log", false, "root", "root", "0755"),
            new Dir("var/cache/nginx", false, "root", "root", "0755"),
            // nginx's default document root and www-data's home; copied so the stock default site still works.
            new Dir("var/www", true, null, null, null));

    /** Created inside the bind-mounted directories because services expect them on a freshly installed host. */
    static final List<Dir> INNER_DIRS = List.of(
            new Dir("var/log/nginx", false, "root", "adm", "0755"),
            new Dir("var/log/postgresql", false, "postgres", "postgres", "1775"),
            new Dir("var/log/pgbackrest", false, "postgres", "postgres", "0750"),
            // Debian's cron package makes it so: users write their crontab only through setgid crontab(1).
            new Dir("var/spool/cron/crontabs", false, "root", "crontab", "1730"));

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final MachineCommandRunner runner;

    HostFilesystem(MachineCommandRunner runner) {
        this.runner = runner;
    }

    /** Writes everything host {@code host} needs to boot into {@code hostDir} (its fs/, init.sh). */
    void prepare(SandboxSpec spec, SandboxHost host, Path hostDir, String clientPublicKey) throws IOException {
        Path fs = hostDir.resolve("fs");
        Files.createDirectories(fs);
        for (Dir dir : BIND_DIRS) {
            createDir(fs, dir);
        }
        for (Dir dir : INNER_DIRS) {
            createDir(fs, dir);
        }
        Path etc = fs.resolve("etc");
        write(etc.resolve("hostname"), host.name() + "\n", "rw-r--r--");
        write(etc.resolve("hosts"), hostsFile(spec), "rw-r--r--");
        removeMachineClusters(etc.resolve("postgresql"));
        configureSsh(spec, host, etc.resolve("ssh"), clientPublicKey);
        try (InputStream in = resource("init.sh")) {
            Path init = hostDir.resolve("init.sh");
            Files.write(init, in.readAllBytes());
            Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** The host's ed25519 host public key, "ssh-ed25519 AAAA..." (no comment). */
    String hostPublicKey(Path hostDir) throws IOException {
        String line = Files.readString(hostDir.resolve("fs/etc/ssh/ssh_host_ed25519_key.pub")).strip();
        String[] parts = line.split("\\s+");
        return parts[0] + " " + parts[1];
    }

    private void createDir(Path fs, Dir dir) {
        Path target = fs.resolve(dir.path());
        if (dir.copyFromMachine()) {
            // cp -a keeps owners, modes and symlinks exactly as on a real installation.
            Path source = Path.of("/").resolve(dir.path());
            if (Files.isDirectory(source)) {
                mustRun(List.of("mkdir", "-p", target.getParent().toString()));
                mustRun(List.of("cp", "-a", source.toString(), target.toString()));
                return;
            }
            mustRun(List.of("install", "-d", "-m", "0755", target.toString()));
            return;
        }
        String owner = userExists(dir.owner()) ? dir.owner() : "root";
        String group = groupExists(dir.group()) ? dir.group() : "root";
        mustRun(List.of("install", "-d", "-o", owner, "-g", group, "-m", dir.mode(), target.toString()));
    }

    static String hostsFile(SandboxSpec spec) {
        StringBuilder sb = new StringBuilder()
                .append("127.0.0.1\tlocalhost\n")
                .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
                .append("ff02::1\tip6-allnodes\n")
                .append("ff02::2\tip6-allrouters\n")
                .append("\n# tierlift sandbox hosts\n");
        for (SandboxHost h : spec.hosts()) {
            sb.append(h.address()).append('\t').append(h.name()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The copied /etc describes the machine's PostgreSQL clusters, but the host's /var/lib/postgresql starts empty, so
     * those entries would point at data that is not there. Removing them makes the host look like one where
     * PostgreSQL is installed and no cluster has been created yet.
     */
    private void removeMachineClusters(Path etcPostgresql) throws IOException {
        if (!Files.isDirectory(etcPostgresql)) {
            return;
        }
        try (DirectoryStream<Path> versions = Files.newDirectoryStream(etcPostgresql, Files::isDirectory)) {
            for (Path version : versions) {
                try (DirectoryStream<Path> clusters = Files.newDirectoryStream(version, Files::isDirectory)) {
                    for (Path cluster : clusters) {
                        mustRun(List.of("rm", "-rf", "--one-file-system", "--", cluster.toString()));
                    }
                }
            }
        }
    }

    private void configureSsh(SandboxSpec spec, SandboxHost host, Path ssh, String clientPublicKey)
            throws IOException {
        // The machine's host keys were copied with /etc; every host needs its own identity.
        try (DirectoryStream<Path> keys = Files.newDirectoryStream(ssh, "ssh_host_*")) {
            for (Path key : keys) {
                Files.delete(key);
            }
        }
        mustRun(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@" + host.name(),
                "-f", ssh.resolve("ssh_host_ed25519_key").toString()));
        String config;
        try (InputStream in = resource("sshd_config")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("@LISTEN_ADDRESS@", host.address());
        }
        write(ssh.resolve("sshd_config"), config, "rw-r--r--");
        Path authorized = ssh.resolve("authorized_keys");
        Files.createDirectories(authorized);
        Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rwxr-xr-x"));
        write(authorized.resolve("root"), clientPublicKey.strip() + "\n", "rw-------");
    }

    private void mustRun(List<String> argv) {
        ExecResult r = runner.run(argv, TIMEOUT);
        if (!r.ok()) {
            throw new SandboxException(String.join(" ", argv) + " failed: " + r.describe());
        }
    }

    private static void write(Path file, String content, String permissions) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = HostFilesystem.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource " + name + " missing from the tierlift build");
        }
        return in;
    }

    private static boolean userExists(String name) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            return true;
        } catch (IOException e) { // includes UserPrincipalNotFoundException
            return false;
        }
    }

    private static boolean groupExists(String name) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Paths for init.sh's arguments. */
    static List<String> bindPaths() {
        List<String> paths = new ArrayList<>();
        BIND_DIRS.forEach(d -> paths.add(d.path()));
        return paths;
    }
}
