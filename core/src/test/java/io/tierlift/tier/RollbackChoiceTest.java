package io.tierlift.tier;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RollbackChoiceTest {
    private static final List<String> TWO = List.of("m/0001.sql", "m/0002.sql");
    private static final List<String> THREE = List.of("m/0001.sql", "m/0002.sql", "m/0003.sql");

    private static ReleaseEntry release(String id, boolean live, List<String> migrations) {
        return new ReleaseEntry(id, Optional.empty(), live, migrations);
    }

    private final List<ReleaseEntry> releases = List.of(release("r3", true, THREE), release("r2", false, THREE),
            release("r1", false, TWO));

    @Test
    void withoutToItGoesToTheReleaseTheTierRecordsAsPreviousOrElseTheNextOlderOne() {
        assertThat(RollbackChoice.of(releases, RollbackRequest.PREVIOUS, Optional.empty()).target().id()).isEqualTo("r2");
        List<ReleaseEntry> afterRollback = List.of(release("r3", false, THREE), release("r2", true, THREE), release("r1", false, TWO));
        assertThat(RollbackChoice.of(afterRollback, RollbackRequest.PREVIOUS, Optional.of("r3")).target().id())
                .as("a second plain rollback goes forward again").isEqualTo("r3");
    }

    @Test
    void aReleaseOlderThanTheSchemaIsRefusedNamingTheMigrationsItLacks() {
        RollbackRequest toFirst = new RollbackRequest(Optional.of("r1"), false);
        assertThatThrownBy(() -> RollbackChoice.of(releases, toFirst, Optional.empty()))
                .isInstanceOf(TierFailure.class)
                .hasMessageContaining("refusing to roll back to release r1")
                .hasMessageContaining("m/0003.sql")
                .hasMessageContaining(RollbackChoice.NOT_REVERSED)
                .hasMessageContaining("Nothing was changed")
                .hasMessageContaining("--force");
    }

    @Test
    void forceGoesPastTheMigrationAndSaysSo() {
        RollbackChoice forced = RollbackChoice.of(releases, new RollbackRequest(Optional.of("r1"), true), Optional.empty());
        assertThat(forced.target().id()).isEqualTo("r1");
        assertThat(forced.pastMigrations()).isTrue();
        assertThat(forced.databaseNote()).startsWith(RollbackChoice.NOT_REVERSED).contains("m/0003.sql");
        assertThat(forced.databaseSentence()).startsWith("Database migrations are not reversed").endsWith(".");
    }

    @Test
    void aReleaseWithEveryMigrationGoesWithoutForceAndStillSaysNothingIsReversed() {
        RollbackChoice choice = RollbackChoice.of(releases, new RollbackRequest(Optional.of("r2"), false), Optional.empty());
        assertThat(choice.pastMigrations()).isFalse();
        assertThat(choice.databaseNote()).isEqualTo(RollbackChoice.NOT_REVERSED);
    }

    @Test
    void unknownLiveAndMissingReleasesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RollbackChoice.of(releases, new RollbackRequest(Optional.of("r9"), false), Optional.empty()))
                .hasMessageContaining("there is no release r9").hasMessageContaining("r3, r2, r1");
        assertThatThrownBy(() -> RollbackChoice.of(releases, new RollbackRequest(Optional.of("r3"), true), Optional.empty()))
                .hasMessageContaining("release r3 is already live");
        assertThatThrownBy(() -> RollbackChoice.of(List.of(release("r1", true, TWO)), RollbackRequest.PREVIOUS, Optional.empty()))
                .hasMessageContaining("no older release is kept");
        assertThatThrownBy(() -> RollbackChoice.of(List.of(release("r1", false, TWO)), RollbackRequest.PREVIOUS, Optional.empty()))
                .hasMessageContaining("no release is live");
    }
}
