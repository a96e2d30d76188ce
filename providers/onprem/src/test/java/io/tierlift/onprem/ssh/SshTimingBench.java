package io.tierlift.onprem.ssh;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.model.SshSettings;
import io.tierlift.onprem.command.RemoteCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Not a test: compares connect + {@code true} through the connector with OpenSSH's
 * {@code ssh HOST true}, for one host and for 20 at once, against a loopback sshd whose root
 * has no .bashrc. Prints milliseconds; run by hand (see the report in the branch's notes).
 */
public final class SshTimingBench {
    private static final int PARALLEL = 20;
    private static final int ROUNDS = 7;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("tierlift-ssh-bench");
        TestSshd sshd = null;
        try {
            Path key = TestSshd.keyPair(dir, "ed25519", "bench_key");
            sshd = TestSshd.start(dir.resolve("sshd"), List.of(Path.of(key + ".pub")), false);
            Path knownHosts = Files.writeString(dir.resolve("known_hosts"), sshd.hostKeyLine() + "\n");
            SshSettings settings = new SshSettings(Optional.of("root"), Optional.of(key.toString()),
                    Optional.of(knownHosts.toString()), Optional.empty(), Optional.of(sshd.port),
                    Duration.ofSeconds(10), PARALLEL, true);
            SshEnvironment env = new SshEnvironment("root", Files.createDirectories(dir.resolve("home")), Optional.empty());
            JschConnector.Options options = JschConnector.Options.defaults().withEnvironment(env);

            long cold = time(() -> oneHost(settings, options, "cold"));
            List<Long> jschOne = new ArrayList<>();
            List<Long> jschMany = new ArrayList<>();
            List<Long> sshOne = new ArrayList<>();
            List<Long> sshMany = new ArrayList<>();
            List<Long> curveOne = new ArrayList<>();
            List<Long> curveMany = new ArrayList<>();
            List<String> ssh = List.of("ssh", "-F", "none", "-i", key.toString(), "-o", "UserKnownHostsFile=" + knownHosts,
                    "-o", "BatchMode=yes", "-p", Integer.toString(sshd.port), "root@127.0.0.1", "true");
            // ssh(1) defaults to the post-quantum sntrup761x25519 exchange, JSch (without Bouncy Castle) cannot:
            // curve25519 is the like-for-like comparison
            List<String> sshCurve = new ArrayList<>(ssh);
            sshCurve.addAll(1, List.of("-o", "KexAlgorithms=curve25519-sha256"));
            for (int round = 0; round < ROUNDS; round++) {
                jschOne.add(time(() -> oneHost(settings, options, "one")));
                jschMany.add(time(() -> manyHosts(settings, options)));
                sshOne.add(time(() -> TestSshd.run(ssh)));
                sshMany.add(time(() -> manyProcesses(ssh)));
                curveOne.add(time(() -> TestSshd.run(sshCurve)));
                curveMany.add(time(() -> manyProcesses(sshCurve)));
            }
            System.out.printf("connect + true, ms (median of %d; first JSch connect in a fresh JVM: %d ms)%n", ROUNDS, cold);
            System.out.printf("  1 host:   tierlift/JSch %4d   ssh %4d   ssh -o KexAlgorithms=curve25519-sha256 %4d%n",
                    median(jschOne), median(sshOne), median(curveOne));
            System.out.printf("  %d hosts: tierlift/JSch %4d   ssh %4d   ssh -o KexAlgorithms=curve25519-sha256 %4d"
                    + " (%d ssh processes at once)%n", PARALLEL, median(jschMany), median(sshMany), median(curveMany), PARALLEL);
            System.out.println("  raw jsch1=" + jschOne + " jsch20=" + jschMany + " ssh1=" + sshOne + " ssh20=" + sshMany
                    + " curve1=" + curveOne + " curve20=" + curveMany);
        } finally {
            if (sshd != null) {
                sshd.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Host host(String name) {
        return new Host(name, "127.0.0.1", "trusted", Set.of(Role.APP), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static void oneHost(SshSettings settings, JschConnector.Options options, String name) {
        try (JschConnector connector = new JschConnector(settings, options)) {
            if (!connector.connect(host(name)).run(RemoteCommand.of("true")).ok()) {
                throw new IllegalStateException("true failed");
            }
        }
    }

    private static void manyHosts(SshSettings settings, JschConnector.Options options) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try (JschConnector connector = new JschConnector(settings, options)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < PARALLEL; i++) {
                Host host = host("h" + i);
                results.add(pool.submit(() -> connector.connect(host).run(RemoteCommand.of("true")).ok()));
            }
            for (Future<Boolean> result : results) {
                if (!result.get()) {
                    throw new IllegalStateException("true failed");
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void manyProcesses(List<String> command) throws Exception {
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < PARALLEL; i++) {
            processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
        }
        for (Process process : processes) {
            process.getInputStream().readAllBytes();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("ssh failed");
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static long time(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
