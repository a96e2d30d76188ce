package io.tierlift.onprem.deploy;

import io.tierlift.onprem.facts.FileFact;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.facts.PackageFacts;
import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.RenderedFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class FilePlannerTest {
    private static final String PATH = "/etc/notes/app.env";
    private final FilePlanner planner = new FilePlanner();
    private final RenderedFile wanted = RenderedFile.text("app1" + PATH, "PASSWORD=hunter2\nMODE=a\n", 0640, "root", "notes", false);
    private final RenderedFile masked = RenderedFile.text("app1" + PATH, "PASSWORD=********\nMODE=a\n", 0640, "root", "notes", false);
    private final AtomicInteger maskedRenders = new AtomicInteger();
    private final Supplier<Map<String, RenderedFile>> maskedFiles = () -> {
        maskedRenders.incrementAndGet();
        return Map.of(PATH, masked);
    };

    private static HostState with(FileFact fact) {
        return new HostState("app1", false, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                false, false, Optional.empty(), Map.of(fact.path(), fact), List.of(), List.of(), List.of(), List.of(),
                Optional.empty(), Optional.empty(), PackageFacts.installed(Set.of()), Optional.of("3.11"));
    }

    @Test
    void anUnchangedHostNeverRendersTheMaskedFiles() {
        HostState same = with(new FileFact(PATH, true, Optional.of(wanted.sha256()), 0640, "root", "notes"));

        FilePlanner.Result result = planner.plan("notes", "/srv/notes", same, Map.of(PATH, wanted), maskedFiles, p -> Optional.empty());

        assertThat(result.changes()).isEmpty();
        assertThat(result.planned()).extracting(PlannedChange::action).containsExactly(Action.NO_OP);
        assertThat(maskedRenders).hasValue(0);
    }

    @Test
    void aChangedFileIsDiffedAgainstTheMaskedRenderingNeverTheRealOne() {
        HostState differs = with(new FileFact(PATH, true, Optional.of("0".repeat(64)), 0640, "root", "notes"));

        FilePlanner.Result result = planner.plan("notes", "/srv/notes", differs, Map.of(PATH, wanted), maskedFiles,
                p -> Optional.of("PASSWORD=********\nMODE=b\n"));

        assertThat(maskedRenders.get()).isPositive();
        assertThat(result.changes()).singleElement().satisfies(c -> assertThat(c.wanted()).isSameAs(wanted));
        String diff = result.planned().get(0).diff().orElseThrow();
        assertThat(diff).contains("MODE=a").doesNotContain("hunter2");
    }
}
