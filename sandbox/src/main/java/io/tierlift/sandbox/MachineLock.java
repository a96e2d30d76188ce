package io.tierlift.sandbox;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Serializes every sandbox's up and down on this machine, across processes (the CLI, test runs from several work
 * trees) by an OS file lock and across threads of this JVM by a monitor. Otherwise two sandboxes on the same
 * bridge could both pass the conflict check, and the loser's rollback would remove the winner's devices.
 * An up or down takes a few seconds, so waiting is cheap.
 */
final class MachineLock {

    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(120);

    /** File locks are held per JVM (a second tryLock from this JVM throws instead of waiting): threads queue here. */
    private static final Object JVM_LOCK = new Object();
    private static final Path MACHINE_LOCK = (Files.isDirectory(Path.of("/run/lock")) ? Path.of("/run/lock")
            : Path.of(System.getProperty("java.io.tmpdir"))).resolve("tierlift-sandbox.lock");

    private MachineLock() {
    }

    static <T> T locked(Supplier<T> action) {
        synchronized (JVM_LOCK) {
            try (FileChannel channel = FileChannel.open(MACHINE_LOCK,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
                while (channel.tryLock() == null) { // released when the channel closes
                    if (System.nanoTime() > deadline) {
                        throw new SandboxException("another sandbox up/down has held " + MACHINE_LOCK + " for over "
                                + LOCK_TIMEOUT.toSeconds() + " s; if no tierlift process is running, delete that file");
                    }
                    Threads.sleep(100);
                }
                return action.get();
            } catch (IOException e) {
                throw new SandboxException("cannot lock " + MACHINE_LOCK + ": " + e.getMessage(), e);
            }
        }
    }
}
