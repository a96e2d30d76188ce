package io.tierlift.onprem.deploy;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.facts.FileFact;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.facts.PackageFacts;
import io.tierlift.plan.PlannedChange;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The packages a host's roles need, as the plan shows them and as it refuses what the host cannot install. */
class PackagePlanTest {
    private final AppDescriptor app = new DescriptorLoader()
            .load(Path.of("../../examples/notes/sandbox.yaml"), Optional.empty()).descriptor();
    private final OnpremTarget target = app.targets().onprem().orElseThrow();

    private Map<String, HostState> states(PackageFacts packages) {
        return states(packages, Optional.of("3.11"));
    }

    private Map<String, HostState> states(PackageFacts packages, Optional<String> python) {
        Map<String, HostState> states = new HashMap<>();
        for (Host host : target.hosts()) {
            states.put(host.name(), new HostState(host.name(), true, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false, false, Optional.empty(), Map.<String, FileFact>of(), List.of(),
                    List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), packages, python));
        }
        return states;
    }

    private OnpremPlanResult plan(PackageFacts packages) {
        return new OnpremPlanner().plan(app, states(packages), Map.of(), Map::of, (h, p) -> Optional.empty(), "digest", Releases.none());
    }

    @Test
    void eachRoleNeedsItsOwnPackages() {
        Host edge = target.host("edge1").orElseThrow();
        Host app1 = target.host("app1").orElseThrow();
        Host db1 = target.host("db1").orElseThrow();
        assertThat(RolePackages.of(app, target, edge)).contains("nftables", "nginx", "libnginx-mod-http-modsecurity", "modsecurity-crs")
                .doesNotContain("python3-venv");
        assertThat(RolePackages.of(app, target, edge)).as("the maintenance switch checks the edge's answer with curl there").contains("curl");
        assertThat(RolePackages.of(app, target, app1)).containsExactly("nftables", "python3-venv", "curl");
        assertThat(RolePackages.of(app, target, db1)).containsExactly("nftables", "postgresql-" + app.database().version());
    }

    @Test
    void withBackupsTheDatabaseAndBackupHostsGetPgBackRestAndOpensslForTheirCertificates() {
        AppDescriptor backedUp = new DescriptorLoader()
                .load(Path.of("../../examples/notes/sandbox-backup.yaml"), Optional.empty()).descriptor();
        OnpremTarget hosts = backedUp.targets().onprem().orElseThrow();
        assertThat(RolePackages.of(backedUp, hosts, hosts.host("db2").orElseThrow()))
                .containsExactly("nftables", "postgresql-" + backedUp.database().version(), "pgbackrest", "openssl");
        assertThat(RolePackages.of(backedUp, hosts, hosts.host("bak1").orElseThrow()))
                .containsExactly("nftables", "pgbackrest", "openssl");
        assertThat(RolePackages.of(backedUp, hosts, hosts.host("app1").orElseThrow())).doesNotContain("pgbackrest");
    }

    @Test
    void aBareHostGetsAnInstallBeforeAnythingElse() {
        OnpremPlanResult result = plan(PackageFacts.installed(Set.of()).withCandidates(Map.of(), false));
        PlannedChange first = result.hosts().get("db1").changes().get(0);
        assertThat(first.address()).isEqualTo("onprem.db1.packages");
        assertThat(first.summary()).isEqualTo("download the package lists, then install nftables, postgresql-" + app.database().version());
        assertThat(result.hosts().get("db1").packages().refreshLists()).isTrue();
    }

    @Test
    void aHostWithEverythingInstalledPlansNoPackages() {
        Set<String> all = new java.util.HashSet<>();
        target.hosts().forEach(h -> all.addAll(RolePackages.of(app, target, h)));
        OnpremPlanResult result = plan(PackageFacts.installed(all));
        assertThat(result.plan().changes()).noneMatch(c -> c.address().endsWith(".packages"));
    }

    @Test
    void aPostgresqlVersionTheSourcesDoNotOfferStopsThePlanNamingTheFix() {
        String postgres = "postgresql-" + app.database().version();
        Set<String> others = new java.util.HashSet<>();
        target.hosts().forEach(h -> others.addAll(RolePackages.of(app, target, h)));
        others.remove(postgres);
        PackageFacts facts = PackageFacts.installed(others).withCandidates(Map.of(postgres, "(none)"), true);
        assertThatThrownBy(() -> plan(facts)).isInstanceOf(HostFailure.class)
                .hasMessageContaining("offer no " + postgres)
                .hasMessageContaining("apt.postgresql.org")
                .hasMessageContaining("set database.version");
    }

    @Test
    void anAppHostWhosePythonIsNotBackendPythonStopsThePlanNamingTheFix() {
        Set<String> all = new java.util.HashSet<>();
        target.hosts().forEach(h -> all.addAll(RolePackages.of(app, target, h)));
        OnpremPlanner planner = new OnpremPlanner();
        assertThatThrownBy(() -> planner.plan(app, states(PackageFacts.installed(all), Optional.of("3.13")), Map.of(), Map::of,
                (h, p) -> Optional.empty(), "digest", Releases.none()))
                .isInstanceOf(HostFailure.class).hasMessageContaining("app1")
                .hasMessageContaining("runs Python 3.13 (/usr/bin/python3) but backend.python is 3.11")
                .hasMessageContaining("backend.system_packages");
        assertThatThrownBy(() -> planner.plan(app, states(PackageFacts.installed(all), Optional.empty()), Map.of(), Map::of,
                (h, p) -> Optional.empty(), "digest", Releases.none()))
                .isInstanceOf(HostFailure.class).hasMessageContaining("has no /usr/bin/python3");
    }
}
