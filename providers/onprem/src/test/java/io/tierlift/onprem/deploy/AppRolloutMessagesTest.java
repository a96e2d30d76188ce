package io.tierlift.onprem.deploy;

import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.facts.PackageFacts;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What an app host's failed rollout says it kept: a first deploy has no previous release to speak of. */
class AppRolloutMessagesTest {
    private static HostState state(Optional<String> current, Optional<Long> appPid) {
        return new HostState("app1", false, current, Optional.empty(), Optional.empty(), appPid, Optional.empty(),
                false, false, Optional.empty(), Map.of(), List.of(), List.of(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), PackageFacts.installed(Set.of()), Optional.of("3.11"));
    }

    @Test
    void aFirstDeploySpeaksOfNoPreviousRelease() {
        HostState fresh = state(Optional.empty(), Optional.empty());
        assertThat(AppRollout.whatKeepsServing(fresh)).isEqualTo("nothing was started; this host had no release running before")
                .doesNotContain("previous");
        assertThat(AppRollout.whatWasRestored(fresh)).isEqualTo("configuration restored; this host had no earlier release")
                .doesNotContain("previous");
    }

    @Test
    void aServingHostKeepsItsPreviousRelease() {
        HostState serving = state(Optional.of("releases/r-0123456789ab"), Optional.of(4242L));
        assertThat(AppRollout.whatKeepsServing(serving)).isEqualTo("nothing was restarted; the previous release keeps serving");
        assertThat(AppRollout.whatWasRestored(serving)).isEqualTo("previous release and configuration restored");
    }
}
