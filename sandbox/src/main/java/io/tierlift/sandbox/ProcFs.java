package io.tierlift.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Reads process facts from the machine's /proc, so we only ever signal processes we can prove are ours. */
final class ProcFs {

    private final Path proc = Path.of("/proc");

    /** The process's start time in clock ticks since boot; empty if it does not exist (any more). */
    OptionalLong startTicks(long pid) {
        if (pid <= 0) {
            return OptionalLong.empty();
        }
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are fixed.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // rest[0] is field 3 (state); starttime is field 22.
            if (rest[0].equals("Z") || rest[0].equals("X")) {
                return OptionalLong.empty(); // exited, only waiting to be reaped
            }
            return OptionalLong.of(Long.parseLong(rest[22 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** True when {@code pid} is alive and is the same process that had {@code startTicks} when recorded. */
    boolean isSameProcess(long pid, long startTicks) {
        OptionalLong now = startTicks(pid);
        return now.isPresent() && now.getAsLong() == startTicks;
    }

    /** True when {@code pid} is PID 1 of a PID namespace below ours (a sandbox host's init). */
    boolean isNamespaceInit(long pid) {
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"))) {
                if (line.startsWith("NSpid:")) {
                    String[] ids = line.substring(6).trim().split("\\s+");
                    return ids.length > 1 && ids[ids.length - 1].equals("1");
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return false;
    }

    /** The process's argv, NUL separators replaced by spaces; empty if it is gone. */
    String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Direct children of {@code pid} (machine-side PIDs). */
    List<Long> children(long pid) {
        return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
    }

    /** A path inside the mount namespace of {@code pid}, e.g. the host's /run/nginx.pid seen from the machine. */
    Path rootOf(long pid) {
        return proc.resolve(Long.toString(pid)).resolve("root");
    }

    /** Machine-wide mount points, to make sure nothing is mounted below a directory before deleting it. */
    List<String> mountPoints() {
        try {
            return Files.readAllLines(proc.resolve("self/mountinfo")).stream()
                    .map(line -> line.split(" "))
                    .filter(fields -> fields.length > 4)
                    .map(fields -> fields[4].replace("\\040", " "))
                    .toList();
        } catch (IOException e) {
            throw new SandboxException("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
    }
}
