package io.tierlift.tier;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One restore: to which point, into what, and the journal file that records its steps
 * ({@code ~/.tierlift/restores/<app>-<target>.json}) so an interrupted restore continues.
 */
public record RestoreRequest(RestorePoint point, RestoreTarget target, Path journal) {
    public RestoreRequest {
        Objects.requireNonNull(point);
        Objects.requireNonNull(target);
        Objects.requireNonNull(journal);
    }

    public static Path defaultJournal(Path home, String app, String target) {
        return home.resolve(".tierlift").resolve("restores").resolve(app + "-" + target + ".json");
    }
}
