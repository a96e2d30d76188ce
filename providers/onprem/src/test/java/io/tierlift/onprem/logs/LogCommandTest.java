package io.tierlift.onprem.logs;

import io.tierlift.logs.LogRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The remote log command, run here by sh as a host runs it (in a session of its own, as sshd starts it). */
class LogCommandTest {
    @Test
    void readsTheRotatedFileThenTheCurrentOneTaggedAndSkipsMissingFiles(@TempDir Path dir) throws Exception {
        Path access = dir.resolve("access.log");
        Files.writeString(dir.resolve("access.log.1"), "old line\n");
        Files.writeString(access, "new line\n");
        List<LogTails.Tail> tails = List.of(new LogTails.Tail(LogSource.GUNICORN_ACCESS, access.toString(), LogRole.APP),
                new LogTails.Tail(LogSource.GUNICORN_ERROR, dir.resolve("missing.log").toString(), LogRole.APP),
                new LogTails.Tail(LogSource.JOURNAL, "notes-api.service", LogRole.APP));
        Process process = start(LogCommand.of(tails, Instant.now(), false).toShell());
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isZero();
        assertThat(out.lines().toList()).as("this machine has no systemd: no journal lines").containsExactly(
                out.lines().findFirst().orElseThrow(), "t0\told line", "t0\tnew line");
        assertThat(out).startsWith("OFFSET ").matches("(?s)OFFSET [+-][0-9]{4}\n.*");
    }

    @Test
    void followingPrintsAppendedLinesAndEndsWithEverythingItStartedWhenItsInputCloses(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("access.log");
        Path second = dir.resolve("error.log");
        Files.writeString(first, "before\n");
        List<LogTails.Tail> tails = List.of(new LogTails.Tail(LogSource.NGINX_ACCESS, first.toString(), LogRole.PROXY),
                new LogTails.Tail(LogSource.NGINX_ERROR, second.toString(), LogRole.PROXY));
        Process process = start(LogCommand.of(tails, Instant.now(), true).toShell());
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        seen.add(out.readLine());
        seen.add(out.readLine());
        seen.add(out.readLine());
        assertThat(seen.subList(1, 3)).containsExactlyInAnyOrder("t0\tbefore", "READY");
        assertThat(descendants(process.pid())).as("tails running").isNotEmpty();

        Files.writeString(first, "appended\n", java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(second, "created later\n");
        List<String> followed = new ArrayList<>(List.of(out.readLine(), out.readLine()));
        assertThat(followed).containsExactlyInAnyOrder("t0\tappended", "t1\tcreated later");

        process.getOutputStream().close();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("ended once its input closed").isTrue();
        long group = process.pid();
        Thread.sleep(200);
        assertThat(inGroup(group)).as("processes left in the command's process group").isEmpty();
    }

    /** setsid: the command's own process group, as under sshd; its kill 0 must not reach this JVM. */
    private static Process start(String line) throws IOException {
        return new ProcessBuilder("setsid", "-w", "sh", "-c", line).start();
    }

    private static List<ProcessHandle> descendants(long pid) {
        return ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(List.of());
    }

    /** The processes of the session setsid made (its id is the command's pid: setsid did not need to fork). */
    private static List<String> inGroup(long setsidPid) throws IOException {
        List<String> members = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // fields: state ppid pgrp session ...
                    // a zombie has ended; only its parent's wait is missing
                    if (fields[3].equals(Long.toString(setsidPid)) && !fields[0].equals("Z")) {
                        members.add(proc.getFileName() + " " + stat);
                    }
                } catch (IOException gone) {
                    // ended while listed
                }
            }
        }
        return members;
    }
}
