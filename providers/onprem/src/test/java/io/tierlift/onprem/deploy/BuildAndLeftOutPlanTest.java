package io.tierlift.onprem.deploy;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.facts.FileFact;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.facts.PackageFacts;
import io.tierlift.onprem.release.BackendRelease;
import io.tierlift.onprem.release.ReleaseFixtures;
import io.tierlift.onprem.release.StaticRelease;
import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the plan says about the releases a deploy ships: a frontend rebuild and what the backend leaves out. */
class BuildAndLeftOutPlanTest {
    private final AppDescriptor app = new DescriptorLoader()
            .load(Path.of("../../examples/notes/sandbox.yaml"), Optional.empty()).descriptor();
    private final OnpremTarget target = app.targets().onprem().orElseThrow();

    private Map<String, HostState> states() {
        Set<String> all = new HashSet<>();
        target.hosts().forEach(h -> all.addAll(RolePackages.of(app, target, h)));
        Map<String, HostState> states = new HashMap<>();
        for (Host host : target.hosts()) {
            states.put(host.name(), new HostState(host.name(), true, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false, false, Optional.empty(), Map.<String, FileFact>of(), List.of(),
                    List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), PackageFacts.installed(all), Optional.of("3.11")));
        }
        return states;
    }

    private List<PlannedChange> plan(Releases releases) {
        return new OnpremPlanner().plan(app, states(), Map.of(), Map::of, (h, p) -> Optional.empty(), "digest", releases).plan().changes();
    }

    @Test
    void aRebuiltFrontendIsAChangeBesideTheStaticSwitch() {
        StaticRelease site = ReleaseFixtures.rebuiltSite("s-0123456789ab", "sources changed since the last build: src/App.jsx");
        List<PlannedChange> changes = plan(new Releases(Optional.empty(), Optional.empty(), Optional.of(site)));
        assertThat(changes).filteredOn(c -> c.address().equals("onprem.frontend:build")).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.summary()).isEqualTo("built " + app.frontend().dist() + " as s-0123456789ab with `" + app.frontend().build()
                    + "`: sources changed since the last build: src/App.jsx");
        });
        assertThat(changes).anyMatch(c -> c.address().endsWith(".release:static") && c.summary().startsWith("switch to s-0123456789ab"));
    }

    @Test
    void anUnchangedFrontendIsNoBuildChange() {
        StaticRelease site = new StaticRelease("s-0123456789ab", new byte[0], List.of());
        assertThat(plan(new Releases(Optional.empty(), Optional.empty(), Optional.of(site))))
                .noneMatch(c -> c.address().equals("onprem.frontend:build"));
    }

    @Test
    void theBackendSwitchNamesWhatTheReleaseLeftOut() {
        BackendRelease backend = ReleaseFixtures.backendLeavingOut("r-0123456789ab",
                List.of(".env (.env* file)", "deploy_key.pem (backend .gitignore: *.pem)"));
        List<PlannedChange> changes = plan(new Releases(Optional.of(backend), Optional.empty(), Optional.empty()));
        assertThat(changes).filteredOn(c -> c.address().endsWith(".release:backend")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.summary()).isEqualTo(
                        "switch to r-0123456789ab; left out: .env (.env* file), deploy_key.pem (backend .gitignore: *.pem)"));
    }
}
