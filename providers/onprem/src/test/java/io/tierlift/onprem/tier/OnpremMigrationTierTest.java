package io.tierlift.onprem.tier;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.database.DbEndpoint;
import io.tierlift.tier.StatusReport;
import io.tierlift.tier.TierFailure;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.onprem.ssh.LocalForward;
import io.tierlift.onprem.ssh.PortForwarding;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.secret.LocalSecretResolver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The on-prem tier against fake SSH hosts: which commands go where, and how failures read. */
class OnpremMigrationTierTest {
    /** Two WAF/proxy hosts in front, so "every edge host" means more than one. */
    private static final String DESCRIPTOR = """
            app: notes
            frontend: { path: frontend, dist: frontend/dist }
            backend: { path: backend, wsgi: "notes.app:app" }
            database:
              name: notes
              user: notes
              password: "${env:NOTES_DB_PASSWORD}"
              replication_password: "${env:NOTES_REPLICATION_PASSWORD}"
            targets:
              onprem:
                ssh: { user: root }
                domain: notes.example.test
                waf: { crs: true, paranoia: 1 }
                hosts:
                  edge1: { address: 10.9.0.10, zone: dmz, roles: [waf, proxy, static] }
                  edge2: { address: 10.9.0.11, zone: dmz, roles: [waf, proxy, static] }
                  app1:  { address: 10.9.0.21, zone: trusted, roles: [app] }
                  db1:   { address: 10.9.0.31, zone: trusted, roles: [db-primary] }
                  db2:   { address: 10.9.0.32, zone: trusted, roles: [db-standby] }
            """;

    private final AppDescriptor descriptor = new DescriptorLoader()
            .load("app.yaml", DESCRIPTOR, Path.of("/nonexistent"), Optional.empty()).descriptor();
    private final List<String> calls = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    private OnpremMigrationTier tier(BiFunction<String, String, ExecResult> hosts) {
        return new OnpremMigrationTier(descriptor, new FakeConnector(hosts), (scope, message) -> progress.add(scope + " | " + message),
                () -> calls.add("deploy"), 0);
    }

    private static ExecResult ok(String out) {
        return new ExecResult(0, out.getBytes(StandardCharsets.UTF_8), "");
    }

    @Test
    void maintenanceOnTouchesTheFlagOnEveryEdgeHostChecksThe503AndWaitsForIdleAppSessions() {
        try (OnpremMigrationTier tier = tier((host, command) -> {
            if (command.startsWith("curl")) {
                return ok("503");
            }
            return ok(command.contains("pg_stat_activity") ? "0\n" : "");
        })) {
            tier.maintenance(true);
        }
        assertThat(calls).contains("edge1: touch " + EdgeTopology.MAINTENANCE_FLAG, "edge2: touch " + EdgeTopology.MAINTENANCE_FLAG);
        assertThat(calls).noneMatch(c -> c.startsWith("app1") || c.startsWith("db2"));
        assertThat(calls).anyMatch(c -> c.startsWith("edge1: curl") && c.contains("--resolve notes.example.test:80:10.9.0.10"));
        assertThat(calls).anyMatch(c -> c.startsWith("db1: runuser -u postgres") && c.contains("pg_stat_activity")
                && c.contains("{10.9.0.21}"));
        assertThat(progress).anyMatch(p -> p.startsWith("maintenance | on for [edge1, edge2]: edge1 answers 503"))
                .anyMatch(p -> p.contains("writes stopped"));
    }

    @Test
    void aHostThatCannotCreateTheFlagIsNamed() {
        try (OnpremMigrationTier tier = tier((host, command) -> host.equals("edge2")
                ? new ExecResult(1, new byte[0], "touch: cannot touch: Read-only file system") : ok("503"))) {
            assertThatThrownBy(() -> tier.maintenance(true)).isInstanceOf(TierFailure.class)
                    .hasMessageContaining("maintenance on failed on edge2").hasMessageContaining("Read-only file system");
        }
    }

    @Test
    void anEdgeThatStillServesAfterMaintenanceOnIsAnError() {
        try (OnpremMigrationTier tier = tier((host, command) -> ok(command.startsWith("curl") ? "200" : ""))) {
            assertThatThrownBy(() -> tier.maintenance(true)).isInstanceOf(TierFailure.class)
                    .hasMessage("maintenance on: edge1 answers HTTP 200 for https://notes.example.test/, expected 503");
        }
    }

    @Test
    void maintenanceOffRemovesTheFlagAndExpects200() {
        try (OnpremMigrationTier tier = tier((host, command) -> ok(command.startsWith("curl") ? "200" : ""))) {
            tier.maintenance(false);
        }
        assertThat(calls).contains("edge1: rm -f " + EdgeTopology.MAINTENANCE_FLAG, "edge2: rm -f " + EdgeTopology.MAINTENANCE_FLAG);
        assertThat(calls).noneMatch(c -> c.contains("pg_stat_activity"));
    }

    @Test
    void theDatabaseIsTheTunnelsLoopbackEndWithTheDescriptorsRoleAndPasswordReference() {
        DbEndpoint endpoint;
        try (OnpremMigrationTier tier = tier((host, command) -> ok(""))) {
            endpoint = tier.database();
            assertThat(tier.database()).as("one tunnel per run").isEqualTo(endpoint);
        }
        assertThat(endpoint.toString()).isEqualTo("postgresql://notes@127.0.0.1:40001/notes?password_ref=${env:NOTES_DB_PASSWORD}");
        assertThat(calls).containsExactly("db1: forward 0 -> 10.9.0.31:5432", "db1: forward closed");
    }

    @Test
    void replicationIsGrantedToTheAppRoleAsPostgresOnThePrimary() {
        try (OnpremMigrationTier tier = tier((host, command) -> ok(""))) {
            tier.allowLogicalReplication();
        }
        assertThat(calls).containsExactly("db1: runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p 5432 -d postgres -At -f -"
                + " <<< ALTER ROLE \"notes\" REPLICATION;");
        assertThat(progress).anyMatch(p -> p.contains("granted REPLICATION to role notes on db1"));
    }

    /** The flag on edge1 only, as a switch that stopped half way leaves it: test -e answers 0 there, 1 on edge2. */
    private static ExecResult flagOnEdge1Only(String host, String command) {
        if (command.equals("test -e " + EdgeTopology.MAINTENANCE_FLAG)) {
            return new ExecResult(host.equals("edge1") ? 0 : 1, new byte[0], "");
        }
        return ok("");
    }

    @Test
    void hostsInMaintenanceReadsTheFlagOnEachEdgeHostAndNamesOnlyThoseThatHaveIt() {
        try (OnpremMigrationTier tier = tier(OnpremMigrationTierTest::flagOnEdge1Only)) {
            assertThat(tier.hostsInMaintenance()).containsExactly("edge1");
        }
        assertThat(calls).containsExactly("edge1: test -e " + EdgeTopology.MAINTENANCE_FLAG,
                "edge2: test -e " + EdgeTopology.MAINTENANCE_FLAG);
    }

    @Test
    void aFlagThatCannotBeReadIsAnErrorNamingTheHost() {
        try (OnpremMigrationTier tier = tier((host, command) -> host.equals("edge2")
                ? new ExecResult(2, new byte[0], "test: Permission denied") : ok(""))) {
            assertThatThrownBy(tier::hostsInMaintenance).isInstanceOf(TierFailure.class)
                    .hasMessage("cannot read the maintenance flag on edge2: test: Permission denied");
        }
    }

    @Test
    void statusSaysPartlyOnAndWhichEdgeHostsHaveTheFlagWhenASwitchStoppedHalfWay() {
        OnpremStatus status = new OnpremStatus(descriptor, () -> new FakeConnector(OnpremMigrationTierTest::flagOnEdge1Only),
                () -> tier(OnpremMigrationTierTest::flagOnEdge1Only));
        StatusReport report = status.report(List.of(), true);
        assertThat(report.rows()).filteredOn(row -> row.contains("maintenance")).singleElement().asString()
                .contains("maintenance PARTLY ON: only edge1 of edge1, edge2 answer with the maintenance page")
                .contains("tierlift maintenance on onprem or off");
        JsonNode json = report.json().orElseThrow();
        assertThat(json.get("maintenance").isNull()).as("neither on nor off").isTrue();
        assertThat(json.get("maintenanceHosts")).extracting(JsonNode::asText).containsExactly("edge1");
    }

    @Test
    void superuserSqlRunsAsPostgresInTheAppsDatabaseOnThePrimaryWithTheStatementOnStdin() {
        String statement = "CREATE SUBSCRIPTION s CONNECTION 'host=10.20.3.15 password=pw-in-statement' PUBLICATION s;";
        try (OnpremMigrationTier tier = tier((host, command) -> command.contains("/dev/tcp")
                ? new ExecResult(124, new byte[0], "")
                : ok("t\n"))) {
            var access = tier.databaseHostAccess().orElseThrow();
            assertThat(access.where()).isEqualTo("postgres on db1 over SSH");
            assertThat(access.superuserSql(statement)).isEqualTo("t\n");
            assertThat(access.unreachable("10.20.3.15", 5432)).hasValueSatisfying(why -> assertThat(why)
                    .isEqualTo("no answer within 5 s"));
        }
        assertThat(calls).containsExactly(
                "db1: runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p 5432 -d notes -At -f - <<< " + statement,
                "db1: timeout 5 bash -c exec 3<>\"/dev/tcp/$1/$2\" probe 10.20.3.15 5432");
    }

    @Test
    void aFailingSuperuserStatementNamesThePrimaryAndPsqlsError() {
        try (OnpremMigrationTier tier = tier((host, command) -> new ExecResult(3, new byte[0],
                "psql:<stdin>:1: ERROR:  subscription \"s\" already exists"))) {
            assertThatThrownBy(() -> tier.databaseHostAccess().orElseThrow().superuserSql("CREATE SUBSCRIPTION s ...;"))
                    .isInstanceOf(TierFailure.class)
                    .hasMessage("psql as postgres on db1 failed: psql:<stdin>:1: ERROR:  subscription \"s\" already exists");
        }
    }

    // --- this tier as a migration's target ---

    private static final String APP_PASSWORD = "app-pw-" + Long.toHexString(System.nanoTime());

    private OnpremMigrationTier targetTier(BiFunction<String, String, ExecResult> hosts) {
        return new OnpremMigrationTier(descriptor, new FakeConnector(hosts), (scope, message) -> progress.add(scope + " | " + message),
                () -> calls.add("deploy"), 0, Optional.empty(),
                Optional.of(new LocalSecretResolver(java.util.Map.of("NOTES_DB_PASSWORD", APP_PASSWORD), Path.of("/nonexistent"),
                        ref -> { throw new AssertionError("no AWS secret here"); })));
    }

    @Test
    void provisionHoldsEveryEdgeHostInMaintenanceBeforeTheDeploySoTheEmptyDatabaseIsNeverServed() {
        try (OnpremMigrationTier tier = targetTier((host, command) -> ok(command.startsWith("curl") ? "503" : ""))) {
            tier.provision();
        }
        List<String> order = calls.stream().filter(c -> c.contains("mkdir") || c.equals("deploy") || c.contains("curl")).toList();
        assertThat(order).hasSize(4);
        assertThat(order.get(0)).startsWith("edge1: sh -c").endsWith("hold " + EdgeTopology.MAINTENANCE_FLAG);
        assertThat(order.get(1)).startsWith("edge2: sh -c").endsWith("hold " + EdgeTopology.MAINTENANCE_FLAG);
        assertThat(order.get(2)).isEqualTo("deploy");
        assertThat(order.get(3)).startsWith("edge1: curl");
        assertThat(progress).contains("provision | the app is held in maintenance until the switch: edge1 answers 503");
    }

    @Test
    void aTierWhoseDatabaseAlreadyHoldsTablesIsRefusedBeforeAnyEdgeHostIsTouched() {
        try (OnpremMigrationTier tier = targetTier((host, command) -> ok(command.contains("pg_tables") ? "3\n" : "503"))) {
            assertThatThrownBy(tier::provision).isInstanceOf(TierFailure.class)
                    .hasMessageStartingWith("the on-prem database notes on db1 already holds 3 table(s); a migration copies into an "
                            + "empty database only. Nothing was changed");
        }
        assertThat(calls).hasSize(1).allMatch(c -> c.startsWith("db1: runuser -u postgres") && c.contains("-d notes"));
    }

    @Test
    void aPrimaryWithoutPostgresqlYetIsTheFreshCase() {
        try (OnpremMigrationTier tier = targetTier((host, command) -> command.contains("pg_tables")
                ? new ExecResult(1, new byte[0], "runuser: user postgres does not exist") : ok(command.startsWith("curl") ? "503" : ""))) {
            tier.provision();
        }
        assertThat(calls).contains("deploy");
    }

    @Test
    void aNewTierThatServesBeforeTheSwitchFailsTheProvision() {
        try (OnpremMigrationTier tier = targetTier((host, command) -> ok(command.startsWith("curl") ? "200" : ""))) {
            assertThatThrownBy(tier::provision).isInstanceOf(TierFailure.class)
                    .hasMessage("the new onprem tier must answer 503 until the switch, but edge1 answers HTTP 200 for https://notes.example.test/");
        }
    }

    @Test
    void aCopyIntoThisTierConnectsAsTheMigrationSuperuserMadeOverSshFromAVerifierNeverThePassword() {
        DbEndpoint endpoint;
        try (OnpremMigrationTier tier = targetTier((host, command) -> ok(""))) {
            endpoint = tier.databaseAsTarget();
        }
        assertThat(endpoint.toString()).isEqualTo("postgresql://tierlift_migrate@127.0.0.1:40001/notes?password_ref=${env:NOTES_DB_PASSWORD}");
        String sql = calls.stream().filter(c -> c.startsWith("db1: runuser -u postgres")).findFirst().orElseThrow();
        assertThat(sql).contains("CREATE ROLE \"tierlift_migrate\"").contains("ALTER ROLE \"tierlift_migrate\" LOGIN SUPERUSER PASSWORD 'SCRAM-SHA-256$");
        assertThat(String.join("\n", calls)).doesNotContain(APP_PASSWORD);
        assertThat(progress).anyMatch(p -> p.contains("as role tierlift_migrate") && p.contains("from db1 itself only"));
    }

    @Test
    void thePathToTheSourceIsATcpConnectRunOnThePrimaryItself() {
        Optional<io.tierlift.tier.NetworkPath> open;
        try (OnpremMigrationTier tier = targetTier((host, command) -> ok(""))) {
            open = tier.checkDatabasePathTo("10.9.0.1", 5433);
        }
        assertThat(calls).containsExactly("db1: timeout 5 bash -c exec 3<>\"/dev/tcp/$1/$2\" probe 10.9.0.1 5433");
        assertThat(open).hasValueSatisfying(p -> {
            assertThat(p.open()).isTrue();
            assertThat(p.describe()).isEqualTo("db1 -> 10.9.0.1:5433");
        });
    }

    @Test
    void aRefusedOrSilentPathIsReportedWithWhatThePrimarySaw() {
        try (OnpremMigrationTier tier = targetTier((host, command) -> new ExecResult(1, new byte[0],
                "bash: connect: Connection refused\nbash: line 1: /dev/tcp/10.9.0.1/5433: Connection refused\n"))) {
            assertThat(tier.checkDatabasePathTo("10.9.0.1", 5433)).hasValueSatisfying(p -> {
                assertThat(p.open()).isFalse();
                assertThat(p.detail()).isEqualTo("connect: Connection refused");
            });
        }
        try (OnpremMigrationTier tier = targetTier((host, command) -> new ExecResult(124, new byte[0], ""))) {
            assertThat(tier.checkDatabasePathTo("10.9.0.1", 5433)).hasValueSatisfying(p -> assertThat(p.detail()).isEqualTo("no answer within 5 s"));
        }
    }

    @Test
    void noServerOutsideTheTierMaySubscribeToItsDatabaseSoReverseReplicationIntoItIsRefusedWithTheReason() {
        try (OnpremMigrationTier tier = targetTier((host, command) -> ok(""))) {
            assertThat(tier.reverseSubscriptionRefusal()).hasValue("the on-prem pg_hba.conf admits the migration role only from db1 "
                    + "itself and the app role only from the app hosts, so no server outside the tier can subscribe to it");
        }
        assertThat(calls).as("said from the descriptor, no host asked").isEmpty();
    }

    @Test
    void takingTrafficLiftsTheMaintenanceTheDeployWasHeldIn() {
        try (OnpremMigrationTier tier = targetTier((host, command) -> ok(command.startsWith("curl") ? "200" : ""))) {
            tier.takeTraffic(new java.io.PrintWriter(java.io.Writer.nullWriter()));
        }
        assertThat(calls).contains("edge1: rm -f " + EdgeTopology.MAINTENANCE_FLAG, "edge2: rm -f " + EdgeTopology.MAINTENANCE_FLAG);
        assertThat(progress).anyMatch(p -> p.startsWith("maintenance | off for [edge1, edge2]: edge1 answers 200"));
    }

    /** Hosts answer through {@code hosts} (given the command line and its stdin); every call and tunnel lands in {@link #calls}. */
    private final class FakeConnector implements Connector {
        private final BiFunction<String, String, ExecResult> hosts;

        FakeConnector(BiFunction<String, String, ExecResult> hosts) {
            this.hosts = hosts;
        }

        @Override
        public Connection connect(Host host) {
            return new FakeConnection(host.name());
        }

        private final class FakeConnection implements Connection, PortForwarding {
            private final String name;

            FakeConnection(String name) {
                this.name = name;
            }

            @Override
            public String host() {
                return name;
            }

            @Override
            public ExecResult run(RemoteCommand command, byte[] stdin) {
                String input = new String(stdin, StandardCharsets.UTF_8);
                String line = String.join(" ", command.argv()) + (input.isEmpty() ? "" : " <<< " + input);
                calls.add(name + ": " + line);
                return hosts.apply(name, line);
            }

            @Override
            public LocalForward forwardLocal(int preferredLocalPort, String remoteHost, int remotePort) {
                calls.add(name + ": forward " + preferredLocalPort + " -> " + remoteHost + ":" + remotePort);
                return new LocalForward(name, 40001, remoteHost, remotePort, () -> calls.add(name + ": forward closed"));
            }

            @Override
            public void close() {
            }
        }
    }
}
