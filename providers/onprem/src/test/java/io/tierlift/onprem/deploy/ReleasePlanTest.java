package io.tierlift.onprem.deploy;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.onprem.facts.FileFact;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.facts.PackageFacts;
import io.tierlift.onprem.release.BackendRelease;
import io.tierlift.onprem.release.Wheelhouse;
import io.tierlift.plan.PlannedChange;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The backend release as the plan shows it, with what tierlift adds to the app's requirements. */
class ReleasePlanTest {
    private final AppDescriptor app = new DescriptorLoader()
            .load(Path.of("../../examples/notes/sandbox.yaml"), Optional.empty()).descriptor();

    private PlannedChange backendChange(Optional<String> added) {
        Map<String, HostState> states = new HashMap<>();
        for (Host host : app.targets().onprem().orElseThrow().hosts()) {
            states.put(host.name(), new HostState(host.name(), true, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false, false, Optional.empty(), Map.<String, FileFact>of(), List.of(),
                    List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), PackageFacts.installed(Set.copyOf(RolePackages.of(app, app.targets().onprem().orElseThrow(), host))),
                    Optional.of("3.11")));
        }
        Releases releases = new Releases(Optional.of(new BackendRelease("r-0123456789ab", new byte[0], "h", "backend/requirements.txt", 3)),
                Optional.of(new Wheelhouse("w-0123456789ab", () -> new byte[0], "h", List.of(), Path.of("/nonexistent"), true, added)),
                Optional.empty());
        return new OnpremPlanner().plan(app, states, Map.of(), Map::of, (h, p) -> Optional.empty(), "digest", releases)
                .hosts().get("app1").changes().stream().filter(c -> c.address().equals("onprem.app1.release:backend")).findFirst().orElseThrow();
    }

    @Test
    void thePlanSaysWhenTheVirtualenvAddsGunicorn() {
        assertThat(backendChange(Optional.of("gunicorn==26.2.0")).summary())
                .isEqualTo("switch to r-0123456789ab; its virtualenv adds gunicorn==26.2.0, which the app's requirements do not list");
    }

    @Test
    void requirementsWithGunicornShowOnlyTheSwitch() {
        assertThat(backendChange(Optional.empty()).summary()).isEqualTo("switch to r-0123456789ab");
    }
}
