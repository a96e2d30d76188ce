package io.tierlift.onprem.tier;

import io.tierlift.database.PgSql;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Database;
import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.deploy.ScramVerifier;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.provider.Progress;
import io.tierlift.tier.NetworkPath;
import io.tierlift.tier.TierFailure;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The db-primary of an on-prem tier that a migration copies INTO, as tierlift reaches it over
 * SSH: whether its database is still empty, the migration role, and the path its subscription
 * will take to the source.
 */
final class OnpremTargetPrimary {
    private final AppDescriptor descriptor;
    private final Connector connector;
    private final Host primary;
    private final Progress progress;

    OnpremTargetPrimary(AppDescriptor descriptor, Connector connector, Host primary, Progress progress) {
        this.descriptor = descriptor;
        this.connector = connector;
        this.primary = primary;
        this.progress = progress;
    }

    /**
     * A tier that already holds the app's tables is not a migration's target (the preflight would
     * refuse it too, but only after the provision's maintenance hold had taken a live site down):
     * refused first, nothing changed. No PostgreSQL or no database yet on the primary is the fresh case.
     */
    void refuseADatabaseWithTables() {
        Database db = descriptor.database();
        String sql = "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema');";
        ExecResult result = connector.connect(primary).run(commands().psql(db.name()), sql.getBytes(StandardCharsets.UTF_8));
        String tables = result.out().strip();
        if (result.ok() && tables.matches("\\d+") && !tables.equals("0")) {
            throw new TierFailure("the on-prem database " + db.name() + " on " + primary.name() + " already holds " + tables
                    + " table(s); a migration copies into an empty database only. Nothing was changed (no edge host was put in "
                    + "maintenance). Move that data away or drop and recreate the database, then migrate again");
        }
    }

    /**
     * Makes or updates {@value OnpremMigrationTier#MIGRATION_ROLE} as postgres: a superuser (creating
     * the subscription needs one on PostgreSQL 15) sharing the app role's {@code password} (its SCRAM
     * verifier goes to the server, never the password); pg_hba admits it only from this host itself,
     * where the SSH tunnel ends.
     */
    void migrationRole(String password) {
        String verifier = new ScramVerifier(new SecureRandom()).create(password);
        String name = OnpremMigrationTier.MIGRATION_ROLE;
        String role = PgSql.identifier(name);
        String sql = "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = " + PgSql.literal(name) + ") THEN "
                + "CREATE ROLE " + role + "; END IF; END$$;\nALTER ROLE " + role + " LOGIN SUPERUSER PASSWORD " + PgSql.literal(verifier) + ";\n";
        ExecResult result = connector.connect(primary).run(commands().psql("postgres"), sql.getBytes(StandardCharsets.UTF_8));
        if (!result.ok()) {
            throw new TierFailure("creating the migration role " + name + " on " + primary.name() + " failed: " + result.stderr().strip());
        }
        progress.step("preflight", "the copy connects to " + primary.name() + " as role " + name
                + " (a superuser: the subscription needs one; pg_hba admits it from " + primary.name() + " itself only)");
    }

    /**
     * A TCP connect from this host (bash's /dev/tcp, 5 s at most): the path its subscription will
     * take. Needs no PostgreSQL here, so it runs before the first deploy.
     */
    NetworkPath pathTo(String host, int port) {
        RemoteCommand probe = RemoteCommand.of("timeout", "5", "bash", "-c", "exec 3<>\"/dev/tcp/$1/$2\"", "probe", host,
                Integer.toString(port));
        ExecResult result;
        try {
            result = connector.connect(primary).run(probe);
        } catch (RuntimeException e) {
            throw new TierFailure("cannot reach " + primary.name() + " over SSH to check its path to " + host + ":" + port + ": "
                    + e.getMessage());
        }
        String seen = result.ok() ? "connected"
                : result.exitCode() == 124 ? "no answer within 5 s"
                : result.stderr().strip().lines().findFirst().map(l -> l.replaceFirst("^bash: ", "")).orElse("exit " + result.exitCode());
        return new NetworkPath(primary.name(), host, port, result.ok(), seen);
    }

    private ServiceCommands commands() {
        Database db = descriptor.database();
        return new ServiceCommands(false, descriptor.app(), "", db.version(), db.port());
    }
}
