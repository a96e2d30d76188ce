package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs PostgreSQL's client programs (pg_dump, pg_restore, psql). Passwords reach them through a
 * passfile (mode 0600, in a private temp directory, deleted afterwards) named by PGPASSFILE in the
 * child's environment: never on the command line, where {@code ps} would show it.
 */
public class PgTools {
    private final Path binDir;
    private final Connections connections;

    public PgTools(Path binDir, Connections connections) {
        this.binDir = binDir;
        this.connections = connections;
    }

    /** Connection arguments for a program; no password among them. */
    public List<String> connectionArgs(DbEndpoint db) {
        return List.of("-h", db.host(), "-p", Integer.toString(db.port()), "-U", db.user(), "-d", db.database());
    }

    /** The arguments of a program, given in parts (options, connection arguments, files). */
    @SafeVarargs
    static List<String> args(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return List.copyOf(all);
    }

    public void run(String program, List<String> args, List<DbEndpoint> endpoints, Consumer<String> stderrLines) {
        Path exe = binDir.resolve(program);
        if (!Files.isExecutable(exe)) {
            throw new MigrationException(exe + " is missing: install the PostgreSQL client programs (Debian: postgresql-client-15)");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tierlift-pg", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path passfile = dir.resolve("pgpass");
            Files.createFile(passfile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringBuilder lines = new StringBuilder();
            for (DbEndpoint db : endpoints) {
                lines.append(pass(db.host())).append(':').append(db.port()).append(':').append(pass(db.database())).append(':')
                        .append(pass(db.user())).append(':').append(pass(connections.password(db))).append('\n');
            }
            Files.writeString(passfile, lines.toString(), StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            command.add(exe.toString());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().remove("PGPASSWORD");
            pb.environment().put("PGPASSFILE", passfile.toString());
            pb.environment().put("PGCONNECT_TIMEOUT", "10");
            Process process = pb.start();
            List<String> tail = new ArrayList<>();
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    String clean = connections.redactor().scrub(line);
                    stderrLines.accept(clean);
                    tail.add(clean);
                    if (tail.size() > 8) {
                        tail.remove(0);
                    }
                }
            }
            int rc = process.waitFor();
            if (rc != 0) {
                throw new MigrationException(program + " failed (exit " + rc + "): " + String.join(" / ", tail));
            }
        } catch (IOException e) {
            throw new MigrationException("cannot run " + program + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException(program + " was interrupted");
        } finally {
            deleteTree(dir);
        }
    }

    /** Escapes a passfile field: backslash and colon are special there. */
    private static String pass(String field) {
        return field.replace("\\", "\\\\").replace(":", "\\:");
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp directory holds no secret once the passfile inside is gone or unreadable to others.
        }
    }
}
