package io.tierlift.database;

import io.tierlift.tier.LocalStreams;
import io.tierlift.tier.TierFailure;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * psql on this machine against one database. The password reaches psql in a password file of its
 * own (mode 0600 in a folder only this user can enter, named by PGPASSFILE) that is deleted when psql
 * ends: never on a command line, which every local user can read, nor in an environment variable.
 */
public final class LocalPsql {
    public static final String PROGRAM = "psql";

    private final Path program;

    private LocalPsql(Path program) {
        this.program = program;
    }

    /** psql found on {@code searchPath} (a PATH value), or a failure that says what to install. */
    public static LocalPsql onPath(String searchPath) {
        return find(searchPath).map(LocalPsql::new).orElseThrow(() -> new TierFailure(
                "psql is not installed on this machine (not found on PATH" + (searchPath.isBlank() ? ", which is empty" : "")
                        + "): db shell runs the PostgreSQL client here; install it (Debian: apt-get install postgresql-client)"));
    }

    static Optional<Path> find(String searchPath) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, PROGRAM);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The argv psql is started with: where to connect and who to be, no password. */
    public List<String> argv(DbEndpoint endpoint) {
        return List.of(program.toString(), "-w", "-h", endpoint.host(), "-p", Integer.toString(endpoint.port()),
                "-U", endpoint.user(), "-d", endpoint.database());
    }

    /**
     * Runs psql until it ends and returns its exit code. On a terminal psql gets the terminal itself
     * (line editing, a pager); otherwise its input and output are the given streams.
     */
    public int run(DbEndpoint endpoint, String password, LocalStreams streams) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tierlift-psql-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path passFile = Files.createFile(dir.resolve("pgpass"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passFile, passwordLine(endpoint, password));
            ProcessBuilder builder = new ProcessBuilder(argv(endpoint));
            Map<String, String> env = builder.environment();
            env.remove("PGPASSWORD");
            env.put("PGPASSFILE", passFile.toString());
            env.put("PGAPPNAME", "tierlift-db-shell");
            if (streams.interactive()) {
                builder.inheritIO();
                return builder.start().waitFor();
            }
            Process psql = builder.start();
            List<Thread> pumps = new ArrayList<>();
            pumps.add(pump(psql.getInputStream(), streams.out(), false));
            pumps.add(pump(psql.getErrorStream(), streams.err(), false));
            Thread input = pump(streams.in(), psql.getOutputStream(), true);
            int exit = psql.waitFor();
            for (Thread pump : pumps) {
                pump.join();
            }
            input.interrupt();
            return exit;
        } catch (IOException e) {
            throw new TierFailure("cannot run psql: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TierFailure("interrupted while psql ran");
        } finally {
            if (dir != null) {
                deleteQuietly(dir.resolve("pgpass"));
                deleteQuietly(dir);
            }
        }
    }

    /** One line of a password file: host:port:database:user:password, with ':' and '\' escaped. */
    static String passwordLine(DbEndpoint endpoint, String password) {
        return String.join(":", escape(endpoint.host()), Integer.toString(endpoint.port()), escape(endpoint.database()),
                escape(endpoint.user()), escape(password)) + "\n";
    }

    private static String escape(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    /** Copies until the end of {@code from}; closes {@code to} after when asked (psql's stdin: its end of input). */
    private static Thread pump(InputStream from, OutputStream to, boolean closeAfter) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // psql ended before reading all of its input, or its output closed: its exit code tells
            } finally {
                if (closeAfter) {
                    try {
                        to.close();
                    } catch (IOException e) {
                        // already closed by psql's end
                    }
                }
            }
        }, "psql-pump");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path + " (it holds the database password): " + e.getMessage(), e);
        }
    }
}
