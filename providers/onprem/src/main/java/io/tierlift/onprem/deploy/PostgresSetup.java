package io.tierlift.onprem.deploy;

import io.tierlift.database.PgSql;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.provider.Progress;
import io.tierlift.secret.SecretResolver;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/** PostgreSQL steps that are not files: reload checks, roles and database, standby clone. */
final class PostgresSetup {
    private final AppDescriptor descriptor;
    private final Progress progress;
    private final SecretResolver secrets;
    private final ScramVerifier scram = new ScramVerifier(new SecureRandom());

    PostgresSetup(AppDescriptor descriptor, OnpremTarget target, Progress progress, SecretResolver secrets) {
        this.descriptor = descriptor;
        this.progress = progress;
        this.secrets = secrets;
    }

    /** Reloads, fails on settings PostgreSQL rejected, and restarts only when a setting requires it. */
    void reload(HostSession session, ServiceCommands commands) {
        session.run("reloading PostgreSQL", commands.postgres("reload"));
        ExecResult check = session.run("checking PostgreSQL settings", commands.psql("postgres"), sql(
                "SELECT 'ERROR ' || coalesce(sourcefile, '') || ':' || coalesce(sourceline::text, '') || ' ' || coalesce(name, '') || ': ' || error"
                        + " FROM pg_file_settings WHERE error IS NOT NULL;"
                        + " SELECT 'PENDING ' || name FROM pg_settings WHERE pending_restart;"));
        StringBuilder errors = new StringBuilder();
        boolean restart = false;
        for (String line : check.out().split("\n")) {
            if (line.startsWith("ERROR ")) {
                errors.append(line.substring(6)).append("; ");
            } else if (line.startsWith("PENDING ")) {
                restart = true;
            }
        }
        if (errors.length() > 0) {
            throw new HostFailure(session.name(), "PostgreSQL rejected settings: " + errors);
        }
        if (restart) {
            progress.step(session.name(), "a changed setting needs a PostgreSQL restart; restarting");
            session.run("restarting PostgreSQL", commands.postgres("restart"));
        } else {
            progress.step(session.name(), "PostgreSQL reloaded");
        }
    }

    /** Creates or updates the app role, the replication role and the database; true if anything changed. */
    boolean ensureRolesAndDatabase(HostSession session, ServiceCommands commands, boolean withReplication) {
        var db = descriptor.database();
        ExecResult live = session.run("reading roles", commands.psql("postgres"), sql(
                "SELECT 'ROLE ' || rolname || ' ' || coalesce(rolpassword, '') FROM pg_authid WHERE rolname IN ("
                        + PgSql.literal(db.user()) + ", " + PgSql.literal(db.replicationUser()) + ");"
                        + " " + DatabaseEncoding.query(db.name())));
        Map<String, String> verifiers = new HashMap<>();
        boolean databaseExists = false;
        for (String line : live.out().split("\n")) {
            if (line.startsWith("ROLE ")) {
                String[] parts = line.substring(5).split(" ", 2);
                verifiers.put(parts[0], parts.length > 1 ? parts[1] : "");
            } else if (DatabaseEncoding.parse(line).isPresent()) {
                databaseExists = true;
                DatabaseEncoding.warning(db.name(), DatabaseEncoding.parse(line).get()).ifPresent(w -> progress.warn(session.name(), w));
            }
        }
        StringBuilder script = new StringBuilder();
        boolean changed = false;
        changed |= role(script, verifiers, db.user(), secrets.resolve(db.password()).reveal(), "LOGIN");
        if (withReplication) {
            String password = secrets.resolve(db.replicationPassword().orElseThrow()).reveal();
            changed |= role(script, verifiers, db.replicationUser(), password, "LOGIN REPLICATION");
        }
        if (script.length() > 0) {
            session.run("creating/updating roles", commands.psql("postgres"), sql(script.toString()));
        }
        if (!databaseExists) {
            session.run("creating database " + db.name(), commands.psql("postgres"),
                    // From template0 with its own encoding and locale: UTF8 even in a cluster made before clusters were.
                    sql("CREATE DATABASE " + PgSql.identifier(db.name()) + " OWNER " + PgSql.identifier(db.user())
                            + " ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0;"));
            progress.step(session.name(), "created database " + db.name());
            changed = true;
        }
        return changed;
    }

    private boolean role(StringBuilder script, Map<String, String> verifiers, String role, String password, String attributes) {
        String current = verifiers.get(role);
        if (current != null && scram.matches(current, password)) {
            return false;
        }
        // A verifier, not the password, goes to the server.
        String verifier = scram.create(password);
        script.append(current == null ? "CREATE ROLE " : "ALTER ROLE ").append(PgSql.identifier(role)).append(' ')
                .append(attributes).append(" PASSWORD ").append(PgSql.literal(verifier)).append(";\n");
        progress.step("database", (current == null ? "creating role " : "updating password of role ") + role);
        return true;
    }

    /** Makes this host a streaming standby of the primary: a fresh pg_basebackup with its own slot. */
    void cloneFromPrimary(HostSession primarySession, HostSession standby, ServiceCommands commands, Host primary, Host standbyHost,
                          boolean running) {
        String slot = slotName(standbyHost);
        progress.step(standby.name(), "cloning from " + primary.name() + " (pg_basebackup, slot " + slot + ")");
        primarySession.run("dropping an old replication slot", new ServiceCommands(false, descriptor.app(), "", descriptor.database().version(),
                descriptor.database().port()).psql("postgres"), sql(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = " + PgSql.literal(slot) + " AND NOT active;"));
        if (running) {
            standby.run("stopping PostgreSQL", commands.postgres("stop"));
        }
        standby.run("cloning the primary", commands.postgresCloneFrom(primary.address(), descriptor.database().replicationUser(), slot));
    }

    /** Waits until the primary sees the standby streaming. */
    void waitForStreaming(HostSession primarySession, ServiceCommands primaryCommands, Host standby) {
        for (int attempt = 0; attempt < 50; attempt++) {
            ExecResult state = primarySession.run("reading replication state", primaryCommands.psql("postgres"), sql(
                    "SELECT state FROM pg_stat_replication WHERE application_name = " + PgSql.literal(standby.name()) + ";"));
            if (state.out().strip().equals("streaming")) {
                progress.step(standby.name(), "streaming from the primary");
                return;
            }
            sleep(200);
        }
        throw new HostFailure(standby.name(), "the standby does not stream from the primary after 10 s");
    }

    static String slotName(Host standby) {
        return "standby_" + standby.name().replace('-', '_');
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] sql(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
