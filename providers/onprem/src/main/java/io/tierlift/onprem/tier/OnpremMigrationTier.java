package io.tierlift.onprem.tier;

import io.tierlift.database.PgSql;
import io.tierlift.database.DbEndpoint;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Database;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.onprem.ssh.LocalForward;
import io.tierlift.onprem.ssh.PortForwarding;
import io.tierlift.provider.Progress;
import io.tierlift.provider.Target;
import io.tierlift.render.onprem.database.HbaFile;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.tier.DeployOnce;
import io.tierlift.tier.DatabaseHostAccess;
import io.tierlift.tier.DnsRecord;
import io.tierlift.tier.MigrationTier;
import io.tierlift.tier.NetworkPath;
import io.tierlift.secret.SecretResolver;
import io.tierlift.tier.TierFailure;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The on-prem tier in a migration. Its database is the db-primary's PostgreSQL, reached through an
 * SSH local port forward over the same SSH settings the deploy uses; maintenance is the nginx flag
 * file on every edge host (nginx answers 503 while it exists, no reload needed).
 */
public final class OnpremMigrationTier implements MigrationTier {
    private final AppDescriptor descriptor;
    private final OnpremTarget target;
    private final Connector connector;
    private final Progress progress;
    private final DeployOnce deploy;
    private final int preferredLocalPort;
    private final Optional<DnsRecord> dns;
    private final Optional<SecretResolver> secrets;
    private LocalForward tunnel;

    /**
     * {@code deploy} runs the on-prem deploy (for migrations to this tier); {@code preferredLocalPort}
     * is the tunnel port a journal recorded (0: any free port), so a resumed migration reaches the
     * source at the same address the target's subscription already uses.
     */
    public OnpremMigrationTier(AppDescriptor descriptor, Connector connector, Progress progress, Runnable deploy,
                               int preferredLocalPort) {
        this(descriptor, connector, progress, deploy, preferredLocalPort, Optional.empty());
    }

    /** {@code dns}: the descriptor's managed record, which {@link #takeTraffic} points at the edge hosts. */
    public OnpremMigrationTier(AppDescriptor descriptor, Connector connector, Progress progress, Runnable deploy,
                               int preferredLocalPort, Optional<DnsRecord> dns) {
        this(descriptor, connector, progress, deploy, preferredLocalPort, dns, Optional.empty());
    }

    /**
     * {@code secrets} resolves the app role's password, which the migration role of a migration
     * into this tier shares (see {@link #databaseAsTarget()}); without it this tier cannot be a target.
     */
    public OnpremMigrationTier(AppDescriptor descriptor, Connector connector, Progress progress, Runnable deploy,
                               int preferredLocalPort, Optional<DnsRecord> dns, Optional<SecretResolver> secrets) {
        this.secrets = secrets;
        this.dns = dns;
        this.descriptor = descriptor;
        this.target = descriptor.targets().onprem().orElseThrow(() -> new TierFailure(
                "the descriptor has no targets.onprem section; the on-prem tier cannot take part in a migration"));
        this.connector = connector;
        this.progress = progress;
        this.deploy = new DeployOnce(deploy);
        this.preferredLocalPort = preferredLocalPort;
    }

    @Override
    public Target target() {
        return Target.ONPREM;
    }

    /**
     * Deploys this tier as a migration's target: the maintenance flag goes onto every edge host
     * first, so from the moment nginx starts it answers 503 and the app never serves the empty
     * database; {@link #takeTraffic} lifts it at the switch. The deploy leaves the database empty
     * (created UTF8, no release command): the copy brings the schema.
     */
    @Override
    public void provision() {
        targetPrimary().refuseADatabaseWithTables();
        RemoteCommand hold = RemoteCommand.of("sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && touch \"$1\"", "hold",
                EdgeTopology.MAINTENANCE_FLAG);
        for (Host host : edgeHosts()) {
            ExecResult result = connector.connect(host).run(hold);
            if (!result.ok()) {
                throw new TierFailure("cannot hold " + host.name() + " in maintenance before the deploy: " + result.stderr().strip());
            }
        }
        deploy.run();
        Host front = new EdgeTopology(descriptor.app(), target).clientFacingHosts().get(0);
        int status = answer(front);
        if (status != 503) {
            throw new TierFailure("the new " + target() + " tier must answer 503 until the switch, but " + front.name()
                    + " answers HTTP " + status + " for https://" + target.domain() + "/");
        }
        progress.step("provision", "the app is held in maintenance until the switch: " + front.name() + " answers 503");
    }

    /**
     * The role a migration into this tier connects as: {@value #MIGRATION_ROLE} (see
     * {@link OnpremTargetPrimary#migrationRole}), reached through the same tunnel as {@link #database()}.
     */
    @Override
    public synchronized DbEndpoint databaseAsTarget() {
        DbEndpoint app = database();
        SecretResolver resolver = secrets.orElseThrow(() -> new TierFailure("the on-prem tier was opened without its secrets; "
                + "it cannot take a migration's copy"));
        targetPrimary().migrationRole(resolver.resolve(descriptor.database().password()).reveal());
        return new DbEndpoint(app.host(), app.port(), app.database(), MIGRATION_ROLE, app.password());
    }

    /** The role {@link #databaseAsTarget()} makes, the one pg_hba admits for it. */
    public static final String MIGRATION_ROLE = HbaFile.MIGRATION_USER;

    @Override
    public Optional<NetworkPath> checkDatabasePathTo(String host, int port) {
        return Optional.of(targetPrimary().pathTo(host, port));
    }

    /** pg_hba.conf, which tierlift owns, admits no server outside the tier: see its template. */
    @Override
    public Optional<String> reverseSubscriptionRefusal() {
        return Optional.of("the on-prem pg_hba.conf admits the migration role only from " + primary().name()
                + " itself and the app role only from the app hosts, so no server outside the tier can subscribe to it");
    }

    private OnpremTargetPrimary targetPrimary() {
        return new OnpremTargetPrimary(descriptor, connector, primary(), progress);
    }

    @Override
    public synchronized DbEndpoint database() {
        Database db = descriptor.database();
        if (tunnel == null) {
            Host primary = primary();
            // A session of its own: the tunnel lives as long as the migration, independent of command sessions.
            Connection connection = connector.connectNew(primary);
            if (!(connection instanceof PortForwarding forwarding)) {
                connection.close();
                throw new TierFailure("the SSH connection to " + primary.name() + " cannot forward ports");
            }
            // PostgreSQL listens on the host's own address only (tierlift.conf), so the tunnel ends there;
            // pg_hba admits the app role from that address for exactly this.
            tunnel = forwarding.forwardLocal(preferredLocalPort, primary.address(), db.port());
            progress.step("tunnel", "source database reached through SSH: " + tunnel.describe());
        }
        return new DbEndpoint(LocalForward.BIND_ADDRESS, tunnel.localPort(), db.name(), db.user(), Optional.of(db.password()));
    }

    @Override
    public void allowLogicalReplication() {
        Host primary = primary();
        Database db = descriptor.database();
        ServiceCommands commands = new ServiceCommands(false, descriptor.app(), "", db.version(), db.port());
        String sql = "ALTER ROLE " + PgSql.identifier(db.user()) + " REPLICATION;";
        ExecResult result = connector.connect(primary).run(commands.psql("postgres"), sql.getBytes(StandardCharsets.UTF_8));
        if (!result.ok()) {
            throw new TierFailure("granting REPLICATION to role " + db.user() + " on " + primary.name() + " failed: "
                    + result.stderr().strip());
        }
        progress.step("preflight", "granted REPLICATION to role " + db.user() + " on " + primary.name()
                + " (as postgres over SSH): logical replication publishes as the app role");
    }

    /**
     * psql as postgres on the db-primary over SSH, the statements on its standard input: the
     * reverse subscription's connection string (with the target's password) stays off every
     * command line, here and on the host.
     */
    @Override
    public Optional<DatabaseHostAccess> databaseHostAccess() {
        Host primary = primary();
        Database db = descriptor.database();
        ServiceCommands commands = new ServiceCommands(false, descriptor.app(), "", db.version(), db.port());
        return Optional.of(new DatabaseHostAccess() {
            @Override
            public String where() {
                return "postgres on " + primary.name() + " over SSH";
            }

            @Override
            public String superuserSql(String sql) {
                ExecResult result = connector.connect(primary).run(commands.psql(db.name()), sql.getBytes(StandardCharsets.UTF_8));
                if (!result.ok()) {
                    throw new TierFailure("psql as postgres on " + primary.name() + " failed: " + result.stderr().strip());
                }
                return result.out();
            }

            @Override
            public Optional<String> unreachable(String host, int port) {
                // The same probe as a target's path check: a TCP connect from the primary, no role, no password.
                NetworkPath path = targetPrimary().pathTo(host, port);
                return path.open() ? Optional.empty() : Optional.of(path.detail());
            }
        });
    }

    @Override
    public void maintenance(boolean on) {
        RemoteCommand command = on
                ? RemoteCommand.of("touch", EdgeTopology.MAINTENANCE_FLAG)
                : RemoteCommand.of("rm", "-f", EdgeTopology.MAINTENANCE_FLAG);
        for (Host host : edgeHosts()) {
            ExecResult result;
            try {
                result = connector.connect(host).run(command);
            } catch (RuntimeException e) {
                throw new TierFailure("maintenance " + (on ? "on" : "off") + " failed on " + host.name() + ": " + e.getMessage());
            }
            if (!result.ok()) {
                throw new TierFailure("maintenance " + (on ? "on" : "off") + " failed on " + host.name() + " ("
                        + String.join(" ", command.argv()) + "): " + result.stderr().strip());
            }
        }
        Host front = new EdgeTopology(descriptor.app(), target).clientFacingHosts().get(0);
        int status = answer(front);
        boolean expected = on ? status == 503 : status == 200;
        if (!expected) {
            throw new TierFailure("maintenance " + (on ? "on" : "off") + ": " + front.name() + " answers HTTP " + status
                    + " for https://" + target.domain() + "/, expected " + (on ? 503 : 200));
        }
        progress.step("maintenance", (on ? "on" : "off") + " for " + edgeHosts().stream().map(Host::name).toList() + ": "
                + front.name() + " answers " + status);
        if (on) {
            waitForWritesToStop();
        }
    }

    /**
     * The edge hosts whose maintenance flag exists, each read on its own disk: all of them while
     * maintenance is on, none while it is off, some when a switch stopped half way.
     */
    public List<String> hostsInMaintenance() {
        RemoteCommand exists = RemoteCommand.of("test", "-e", EdgeTopology.MAINTENANCE_FLAG);
        List<String> on = new java.util.ArrayList<>();
        for (Host host : edgeHosts()) {
            ExecResult result;
            try {
                result = connector.connect(host).run(exists);
            } catch (RuntimeException e) {
                throw new TierFailure("cannot read the maintenance flag on " + host.name() + ": " + e.getMessage());
            }
            // test(1): 0 the file exists, 1 it does not, anything else is an error.
            if (result.exitCode() > 1) {
                throw new TierFailure("cannot read the maintenance flag on " + host.name() + ": " + result.stderr().strip());
            }
            if (result.ok()) {
                on.add(host.name());
            }
        }
        return on;
    }

    /** The names of the hosts that run nginx, where the flag lives. */
    public List<String> edgeHostNames() {
        return edgeHosts().stream().map(Host::name).toList();
    }

    /** The names of the hosts of {@code descriptor} that run nginx, where the flag lives. */
    public static List<String> edgeHostNames(AppDescriptor descriptor) {
        OnpremTarget target = descriptor.targets().onprem().orElseThrow();
        EdgeTopology topology = new EdgeTopology(descriptor.app(), target);
        return target.hosts().stream().filter(topology::isEdgeHost).map(Host::name).toList();
    }

    /**
     * New requests get the maintenance page now, but requests nginx passed on just before may still
     * be writing: the copy must not start until they are done. Done means no session of the app
     * role from an app host has been busy (running a statement or inside a transaction) for
     * {@link #QUIET}; a request between its connect and its first statement is covered by the length
     * of that window. Gives up after {@link #DRAIN_LIMIT}, naming what still runs.
     */
    private void waitForWritesToStop() {
        Host primary = primary();
        Database db = descriptor.database();
        List<String> apps = target.hostsWith(Role.APP).stream().map(Host::address).toList();
        if (apps.isEmpty()) {
            return;
        }
        ServiceCommands commands = new ServiceCommands(false, descriptor.app(), "", db.version(), db.port());
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND usename = " + PgSql.literal(db.user())
                + " AND state <> 'idle' AND client_addr = ANY (" + PgSql.literal("{" + String.join(",", apps) + "}") + "::inet[]);";
        long start = System.nanoTime();
        long quietSince = -1;
        String busy = "";
        while (System.nanoTime() - start < DRAIN_LIMIT.toNanos()) {
            ExecResult result = connector.connect(primary).run(commands.psql(db.name()), sql.getBytes(StandardCharsets.UTF_8));
            if (!result.ok()) {
                throw new TierFailure("cannot see the app's sessions on " + primary.name() + ": " + result.stderr().strip());
            }
            busy = result.out().strip();
            long now = System.nanoTime();
            if (busy.equals("0")) {
                if (quietSince < 0) {
                    quietSince = now;
                } else if (now - quietSince >= QUIET.toNanos()) {
                    progress.step("maintenance", "writes stopped: no app session busy on " + primary.name() + " for "
                            + QUIET.toMillis() + " ms (waited " + (now - start) / 1_000_000 + " ms)");
                    return;
                }
            } else {
                quietSince = -1;
            }
            sleep(100);
        }
        throw new TierFailure("writes did not stop: " + busy + " session(s) of role " + db.user() + " from the app hosts still busy on "
                + primary.name() + " after " + DRAIN_LIMIT.toSeconds() + " s of maintenance; see pg_stat_activity there, then --resume");
    }

    private static final java.time.Duration QUIET = java.time.Duration.ofMillis(500);
    private static final java.time.Duration DRAIN_LIMIT = java.time.Duration.ofSeconds(60);

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TierFailure("interrupted");
        }
    }

    /** The status the client-facing host gives for the site's front page, asked on that host itself. */
    private int answer(Host front) {
        int http = target.edge().httpPort();
        int https = target.edge().httpsPort();
        String domain = target.domain();
        RemoteCommand curl = RemoteCommand.of("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                "-L", "--max-redirs", "2",
                "--resolve", domain + ":" + http + ":" + front.address(),
                "--resolve", domain + ":" + https + ":" + front.address(),
                "http://" + domain + ":" + http + "/");
        ExecResult result = connector.connect(front).run(curl);
        String code = result.out().strip();
        if (!code.matches("\\d{3}")) {
            throw new TierFailure("cannot check maintenance on " + front.name() + " (curl: " + result.stderr().strip() + ")");
        }
        return Integer.parseInt(code);
    }

    @Override
    public void takeTraffic(PrintWriter out) {
        // A migration into this tier held it in maintenance since its deploy: users come with the switch.
        if (!hostsInMaintenance().isEmpty()) {
            maintenance(false);
        }
        if (dns.isPresent()) {
            dns.get().pointAt(target(), new EdgeTopology(descriptor.app(), target).clientFacingHosts().stream()
                    .map(Host::address).distinct().toList(), out);
            return;
        }
        List<String> addresses = new EdgeTopology(descriptor.app(), target).clientFacingHosts().stream()
                .map(h -> h.name() + " " + h.address()).toList();
        out.println("switch: point " + target.domain() + " (DNS A records) at the on-prem edge hosts: " + String.join(", ", addresses)
                + "; clients that cached the old records keep reaching the other tier until their TTL ends.");
        out.flush();
    }

    @Override
    public synchronized void close() {
        if (tunnel != null) {
            tunnel.close();
            tunnel = null;
        }
        dns.ifPresent(DnsRecord::close);
        connector.close();
    }

    private Host primary() {
        return target.firstWith(Role.DB_PRIMARY).orElseThrow(() -> new TierFailure("the on-prem topology has no db-primary host"));
    }

    /** Hosts that run nginx (EdgeTopology's rule): each one checks the flag on its own disk. */
    private List<Host> edgeHosts() {
        EdgeTopology topology = new EdgeTopology(descriptor.app(), target);
        return target.hosts().stream().filter(topology::isEdgeHost).toList();
    }
}
