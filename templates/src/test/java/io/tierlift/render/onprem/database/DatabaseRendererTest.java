package io.tierlift.render.onprem.database;

import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.firewall.CanarySecrets;
import io.tierlift.render.onprem.firewall.HostcfgCases;
import io.tierlift.render.onprem.firewall.UnsupportedTopologyException;
import io.tierlift.secret.SecretRef;
import io.tierlift.secret.SecretView;
import io.tierlift.diag.InvalidDescriptorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseRendererTest {
    private static final String REPLICATION_CANARY = "CANARY:repl\\pw'x";
    private final DatabaseRenderer renderer = new DatabaseRenderer(new FreemarkerEngine());
    private final CanarySecrets canaries = new CanarySecrets(Map.of(
            "NOTES_DB_PASSWORD", "CANARY-app",
            "NOTES_REPLICATION_PASSWORD", REPLICATION_CANARY));

    static Stream<String> fixtures() {
        return HostcfgCases.fixtures();
    }

    private static RenderedFile file(List<RenderedFile> files, String location) {
        return files.stream().filter(f -> f.location().equals(location)).findFirst()
                .orElseThrow(() -> new AssertionError("no file " + location + " in " + files.stream().map(RenderedFile::location).toList()));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void pgHbaAllowsOnlyScramFromSingleAddressesAndIsTheSameOnBothDatabaseHosts(String fixture) {
        AppDescriptor d = HostcfgCases.descriptor(fixture);
        var target = d.targets().onprem().orElseThrow();
        List<RenderedFile> hbas = HostcfgCases.render(renderer, d, SecretView.masked()).stream()
                .filter(f -> f.location().endsWith("/pg_hba.conf")).toList();
        boolean hasStandby = !target.hostsWith(io.tierlift.model.Role.DB_STANDBY).isEmpty();
        assertThat(hbas).hasSize(hasStandby ? 2 : 1);
        assertThat(hbas).extracting(RenderedFile::contentAsText).containsOnly(hbas.get(0).contentAsText());
        for (RenderedFile hba : hbas) {
            assertThat(hba.mode()).isEqualTo(0640);
            assertThat(hba.owner()).isEqualTo("postgres");
            List<String> rules = hba.contentAsText().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
            List<String> hostRules = rules.stream().filter(l -> l.startsWith("host")).toList();
            assertThat(rules).filteredOn(l -> l.startsWith("local")).allMatch(l -> l.strip().endsWith(" peer"));
            // single addresses, or samehost: the server's own addresses, where the migrate tunnel ends
            assertThat(hostRules).allMatch(l -> l.matches("host +\\S+ +\\S+ +([0-9.]+/32|samehost) +scram-sha-256 +# .*"));
            // samehost admits two roles only: the app's (migrate's tunnel ends here) and the migration superuser of a copy into this tier
            assertThat(hostRules).filteredOn(l -> l.contains(" samehost ")).extracting(l -> l.split("\\s+")[2]).containsExactly(
                    "\"" + d.database().user() + "\"", "\"tierlift_migrate\"");
            assertThat(rules).noneMatch(l -> l.matches(".*\\b(trust|md5|password|ident)\\b.*") || l.contains("/0"));
            int apps = target.hostsWith(io.tierlift.model.Role.APP).size();
            assertThat(hostRules).filteredOn(l -> l.contains("replication")).hasSize(hasStandby ? 2 : 0);
            assertThat(hostRules).filteredOn(l -> l.startsWith("host    \"" + d.database().name() + "\"  \"" + d.database().user() + "\""))
                    .hasSize(apps + 1);
        }
    }

    @Test
    void standbyConnectsWithAPasswordFileNeverAnInlinePassword() {
        List<RenderedFile> files = HostcfgCases.render(renderer, TestDescriptors.load("compact.yaml"), canaries.view());
        for (RenderedFile f : files) {
            assertThat(f.contentAsText().contains("CANARY")).as("canary in %s", f.location()).isEqualTo(f.sensitive());
        }
        RenderedFile pgpass = file(files, "db2/var/lib/postgresql/.pgpass");
        assertThat(pgpass.mode()).isEqualTo(0600);
        assertThat(pgpass.owner()).isEqualTo("postgres");
        assertThat(pgpass.contentAsText()).isEqualTo("10.0.3.21:5432:replication:replicator:CANARY\\:repl\\\\pw'x\n");
        String standby = file(files, "db2/etc/postgresql/15/main/conf.d/tierlift-standby.conf").contentAsText();
        assertThat(standby).contains("primary_conninfo = 'host=10.0.3.21 port=5432 user=replicator "
                + "application_name=db2 passfile=/var/lib/postgresql/.pgpass'\n")
                .contains("primary_slot_name = 'standby_db2'\n")
                .contains("hot_standby_feedback = on\n");
        assertThat(files).extracting(RenderedFile::location).noneMatch(l -> l.startsWith("db1/var/") || l.contains("db1/etc/postgresql/15/main/conf.d/tierlift-standby"));
    }

    @Test
    void eachServerListensOnItsOwnAddressOnly() {
        List<RenderedFile> files = HostcfgCases.render(renderer, TestDescriptors.load("seed.yaml"), SecretView.masked());
        assertThat(file(files, "db1/etc/postgresql/15/main/conf.d/tierlift.conf").contentAsText())
                .contains("listen_addresses = '10.0.3.21'\n").contains("port = 5433\n").contains("wal_level = logical\n")
                .contains("password_encryption = 'scram-sha-256'\n").contains("ssl = off\n");
        assertThat(file(files, "db2/etc/postgresql/15/main/conf.d/tierlift.conf").contentAsText())
                .contains("listen_addresses = '10.0.3.22'\n");
    }

    @Test
    void maxConnectionsCoversEveryWorkerOfEveryAppHost() {
        // Workers 2 + 3 + 12 given, three hosts assumed at 9; two connections each, 20 spare.
        List<RenderedFile> files = HostcfgCases.render(renderer, TestDescriptors.load("hostcfg-six-apps.yaml"), SecretView.masked());
        assertThat(file(files, "pg-east/etc/postgresql/16/main/conf.d/tierlift.conf").contentAsText())
                .contains("max_connections = " + ((2 + 3 + 12 + 3 * 9) * 2 + 20) + "\n");
        List<RenderedFile> small = HostcfgCases.render(renderer, TestDescriptors.load("compact.yaml"), SecretView.masked());
        assertThat(file(small, "db1/etc/postgresql/15/main/conf.d/tierlift.conf").contentAsText()).contains("max_connections = 100\n");
    }

    @Test
    void setupListsRolesDatabaseAndSlot() {
        AppDescriptor d = TestDescriptors.load("hostcfg-six-apps.yaml");
        DatabaseSetup setup = renderer.setup(d, d.targets().onprem().orElseThrow());
        assertThat(setup.database()).isEqualTo("ledger_main");
        assertThat(setup.owner()).isEqualTo("ledger_app");
        assertThat(setup.standbySlot()).contains("standby_pg_west");
        assertThat(setup.roles()).containsExactly(
                new DatabaseSetup.PgRole("ledger_app", SecretRef.parse("${aws-sm:prod/ledger/db}").orElseThrow(), false),
                new DatabaseSetup.PgRole("ledger_repl", SecretRef.parse("${env:LEDGER_REPL_PASSWORD}").orElseThrow(), true));
    }

    @Test
    void withoutStandbyThereIsNoReplicationRoleOrSlot() {
        AppDescriptor d = TestDescriptors.load("single-app-no-waf.yaml");
        DatabaseSetup setup = renderer.setup(d, d.targets().onprem().orElseThrow());
        assertThat(setup.standbySlot()).isEqualTo(Optional.empty());
        assertThat(setup.roles()).extracting(DatabaseSetup.PgRole::name).containsExactly("shop");
    }

    @Test
    void appHostsMustHaveIpAddresses() {
        assertThatThrownBy(() -> TestDescriptors.fromText(TestDescriptors.text("compact.yaml")
                .replace("address: 10.0.2.12", "address: app2.internal")))
                .isInstanceOf(InvalidDescriptorException.class)
                .hasMessageContaining("targets.onprem.hosts.app2.address").hasMessageContaining("pg_hba");
    }
}
