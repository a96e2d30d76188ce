package io.tierlift.render.onprem.database;

import io.tierlift.database.ReplicationName;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Database;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.render.onprem.HostFile;
import io.tierlift.render.onprem.HostRoleRenderer;
import io.tierlift.render.onprem.OnpremScope;
import io.tierlift.render.onprem.firewall.SourceAddresses;
import io.tierlift.secret.SecretRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL files of the primary and the standby (Debian layout): settings in conf.d, the same
 * pg_hba.conf on both so a failover needs no file change, and on the standby the connection to
 * the primary with its password file.
 */
public final class DatabaseRenderer implements HostRoleRenderer {
    static final String SETTINGS_TEMPLATE = "onprem/postgresql/tierlift.conf.pg.ftl";
    static final String STANDBY_TEMPLATE = "onprem/postgresql/tierlift-standby.conf.pg.ftl";
    static final String HBA_TEMPLATE = "onprem/postgresql/pg_hba.conf.hba.ftl";
    /** Connections PostgreSQL allows even when the app hosts' share is small (its own default). */
    static final int MIN_CONNECTIONS = 100;
    /** Workers assumed for an app host whose count Gunicorn picks at start (2 x 4 CPUs + 1). */
    static final int ASSUMED_WORKERS = 9;
    /** Per Gunicorn worker: one connection to the primary and one to the standby (read URL). */
    static final int CONNECTIONS_PER_WORKER = 2;
    /** Room for superuser, replication and maintenance sessions beyond the app's. */
    static final int SPARE_CONNECTIONS = 20;

    private final TemplateEngine engine;
    private final SourceAddresses addresses;
    private final Conninfo conninfo;
    private final PgPass pgpass;

    public DatabaseRenderer(TemplateEngine engine) {
        this(engine, new SourceAddresses(), new Conninfo(), new PgPass());
    }

    public DatabaseRenderer(TemplateEngine engine, SourceAddresses addresses, Conninfo conninfo, PgPass pgpass) {
        this.engine = engine;
        this.addresses = addresses;
        this.conninfo = conninfo;
        this.pgpass = pgpass;
    }

    @Override
    public List<RenderedFile> render(OnpremScope scope) {
        Host host = scope.host();
        boolean primary = host.has(Role.DB_PRIMARY);
        boolean standby = host.has(Role.DB_STANDBY);
        if (!primary && !standby) {
            return List.of();
        }
        AppDescriptor app = scope.app();
        OnpremTarget target = scope.target();
        PostgresLayout layout = PostgresLayout.debian(app.database().version());
        List<RenderedFile> files = new ArrayList<>();
        files.add(postgresFile(scope, layout.settingsFile(), engine.render(SETTINGS_TEMPLATE, settings(app, target, host)), 0644));
        files.add(postgresFile(scope, layout.hbaFile(), engine.render(HBA_TEMPLATE, hba(app, target)), 0640));
        if (standby) {
            Host primaryHost = primaryOf(target);
            files.add(postgresFile(scope, layout.standbySettingsFile(),
                    engine.render(STANDBY_TEMPLATE, standby(app, primaryHost, host, layout)), 0644));
            Database db = app.database();
            String password = scope.secrets().value(replicationPassword(db));
            files.add(HostFile.of(scope, layout.passwordFile(),
                    pgpass.line(primaryHost.address(), db.port(), PgPass.REPLICATION, db.replicationUser(), password),
                    0600, PostgresLayout.OWNER, PostgresLayout.OWNER, true));
        }
        return files;
    }

    /** Roles, database and slot the deployer creates on the primary. */
    public DatabaseSetup setup(AppDescriptor app, OnpremTarget target) {
        Database db = app.database();
        List<DatabaseSetup.PgRole> roles = new ArrayList<>();
        roles.add(new DatabaseSetup.PgRole(db.user(), db.password(), false));
        Optional<Host> standby = target.firstWith(Role.DB_STANDBY);
        if (standby.isPresent()) {
            roles.add(new DatabaseSetup.PgRole(db.replicationUser(), replicationPassword(db), true));
        }
        return new DatabaseSetup(db.name(), db.user(), roles, standby.map(this::slotName));
    }

    /**
     * The physical replication slot of a standby, named after its host so a second standby or a
     * rebuilt one is recognisable in {@code pg_replication_slots}.
     */
    public String slotName(Host standby) {
        return ReplicationName.derive("standby", standby.name()).value();
    }

    PostgresSettings settings(AppDescriptor app, OnpremTarget target, Host host) {
        int appConnections = target.hostsWith(Role.APP).stream()
                .mapToInt(h -> h.workers().or(app.backend()::workers).orElse(ASSUMED_WORKERS) * CONNECTIONS_PER_WORKER)
                .sum();
        return new PostgresSettings(host.name(), host.address(), app.database().port(),
                Math.max(MIN_CONNECTIONS, appConnections + SPARE_CONNECTIONS), app.database().logMinDurationStatementMillis());
    }

    HbaFile hba(AppDescriptor app, OnpremTarget target) {
        Database db = app.database();
        List<HbaFile.Client> apps = target.hostsWith(Role.APP).stream()
                .map(h -> new HbaFile.Client(h.name(), addresses.network(h, "pg_hba.conf")))
                .toList();
        // Both database hosts may replicate from each other: after a failover the old primary
        // comes back as the standby of the new one, with the same file.
        List<HbaFile.Client> replication = target.firstWith(Role.DB_STANDBY).isEmpty() ? List.of()
                : target.hosts().stream()
                .filter(h -> h.has(Role.DB_PRIMARY) || h.has(Role.DB_STANDBY))
                .map(h -> new HbaFile.Client(h.name(), addresses.network(h, "pg_hba.conf")))
                .toList();
        return new HbaFile(db.name(), db.user(), apps, db.replicationUser(), replication);
    }

    StandbySettings standby(AppDescriptor app, Host primary, Host standby, PostgresLayout layout) {
        Database db = app.database();
        String primaryConninfo = String.join(" ",
                conninfo.pair("host", primary.address()),
                conninfo.pair("port", String.valueOf(db.port())),
                conninfo.pair("user", db.replicationUser()),
                conninfo.pair("application_name", standby.name()),
                conninfo.pair("passfile", layout.passwordFile()));
        return new StandbySettings(standby.name(), primary.name(), primaryConninfo, slotName(standby));
    }

    private static Host primaryOf(OnpremTarget target) {
        return target.firstWith(Role.DB_PRIMARY)
                .orElseThrow(() -> new IllegalArgumentException("no host has role db-primary"));
    }

    private static SecretRef replicationPassword(Database db) {
        return db.replicationPassword().orElseThrow(() -> new IllegalArgumentException(
                "a db-standby needs database.replication_password"));
    }

    private static RenderedFile postgresFile(OnpremScope scope, String path, String content, int mode) {
        return HostFile.of(scope, path, content, mode, PostgresLayout.OWNER, PostgresLayout.OWNER, false);
    }
}
