package io.tierlift.sandbox;

import io.tierlift.release.ExecResult;
import io.tierlift.release.MachineCommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Checks the machine can run a sandbox before anything is created, and says exactly what to install if not. */
final class SandboxPreflight {

    /** A command the sandbox needs and the Debian package that provides it. */
    record Requirement(String command, String displayName, String debianPackage) { }

    /** Without these no host can start. sshd is looked up by absolute path because sshd must be started by one. */
    static final List<Requirement> REQUIRED = List.of(
            new Requirement("ip", "ip", "iproute2"),
            new Requirement("unshare", "unshare", "util-linux"),
            new Requirement("nsenter", "nsenter", "util-linux"),
            new Requirement("setsid", "setsid", "util-linux"),
            new Requirement("/usr/sbin/sshd", "sshd", "openssh-server"),
            new Requirement("ssh-keygen", "ssh-keygen", "openssh-client"),
            new Requirement("mount", "mount", "mount"),
            new Requirement("hostname", "hostname", "hostname"),
            new Requirement("cp", "cp", "coreutils"));

    /** Hosts start without these, but deploying the three-tier app into them (or reaching them) will fail. */
    static final List<Requirement> RECOMMENDED = List.of(
            new Requirement("nginx", "nginx", "nginx"),
            new Requirement("pg_ctlcluster", "postgresql", "postgresql"),
            new Requirement("gunicorn", "gunicorn", "gunicorn"),
            new Requirement("nft", "nft", "nftables"),
            new Requirement("ssh", "ssh", "openssh-client"));

    private final MachineCommandRunner runner;

    SandboxPreflight(MachineCommandRunner runner) {
        this.runner = runner;
    }

    /** Throws {@link SandboxException} if the namespace sandbox cannot work here; returns warnings otherwise. */
    List<String> check() {
        return check(REQUIRED, RECOMMENDED);
    }

    /**
     * For a machine sandbox: the machines bring their own software (installed by the deploy), so nothing of it is
     * recommended on this machine, but building, booting and feeding them needs {@code machineTools}.
     */
    List<String> checkMachines(List<Requirement> machineTools) {
        List<Requirement> required = new ArrayList<>(REQUIRED);
        required.addAll(machineTools);
        return check(required, List.of());
    }

    private List<String> check(List<Requirement> required, List<Requirement> recommended) {
        List<String> problems = new ArrayList<>();
        ExecResult id = runner.run(List.of("id", "-u"), Duration.ofSeconds(10));
        if (!id.ok() || !id.stdout().strip().equals("0")) {
            problems.add("the sandbox must run as root (it creates network namespaces, network devices and mounts); "
                    + "current uid: " + (id.ok() ? id.stdout().strip() : "unknown (" + id.describe() + ")"));
        }
        List<Requirement> missing = missing(required);
        if (!missing.isEmpty()) {
            problems.add("missing " + describe(missing) + "; install with: " + aptGet(missing));
        }
        if (!problems.isEmpty()) {
            throw new SandboxException("cannot start the sandbox: " + String.join("; ", problems));
        }
        List<String> warnings = new ArrayList<>();
        for (Requirement r : missing(recommended)) {
            warnings.add(r.displayName() + " is not installed (package " + r.debianPackage()
                    + "), so deploying to the sandbox will fail; install with: " + aptGet(List.of(r)));
        }
        return warnings;
    }

    private List<Requirement> missing(List<Requirement> requirements) {
        return requirements.stream().filter(r -> runner.findExecutable(r.command()).isEmpty()).toList();
    }

    private static String describe(List<Requirement> missing) {
        List<String> parts = new ArrayList<>();
        for (Requirement r : missing) {
            parts.add(r.displayName() + " (" + r.command() + ", package " + r.debianPackage() + ")");
        }
        return String.join(", ", parts);
    }

    private static String aptGet(List<Requirement> missing) {
        Set<String> packages = new LinkedHashSet<>();
        missing.forEach(r -> packages.add(r.debianPackage()));
        return "apt-get install -y " + String.join(" ", packages);
    }
}
