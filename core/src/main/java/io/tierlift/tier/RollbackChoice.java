package io.tierlift.tier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which release a rollback returns to, and whether the database lets it. Migrations are never
 * reversed: the database keeps every migration the releases listed carried (release commands only
 * go forward), so returning to a release that lacks one of them would run code older than its
 * schema. That is refused, naming the migrations, unless the operator forces it.
 *
 * @param target    the release to return to
 * @param live      the release serving now
 * @param newer     migrations the database has that {@code target} does not carry (empty: none)
 */
public record RollbackChoice(ReleaseEntry target, ReleaseEntry live, List<String> newer) {
    /** What the command prints in every case: nothing reverses the database. */
    public static final String NOT_REVERSED = "database migrations are not reversed: the schema stays as the newest release left it";

    /**
     * Picks the target from {@code releases} (newest first as the tier lists them): {@code request.to()}
     * by id, or else the release the tier records as served before the live one ({@code previous}),
     * or else the newest release older than the live one. Refuses an unknown id, the live release
     * itself, and a release older than the schema unless {@code request.force()}.
     */
    public static RollbackChoice of(List<ReleaseEntry> releases, RollbackRequest request, Optional<String> previous) {
        ReleaseEntry live = releases.stream().filter(ReleaseEntry::live).findFirst()
                .orElseThrow(() -> new TierFailure("no release is live: there is nothing to roll back from"));
        ReleaseEntry target = request.to().map(id -> named(releases, id))
                .or(() -> previous.map(id -> named(releases, id)))
                .orElseGet(() -> before(releases, live));
        if (target.id().equals(live.id())) {
            throw new TierFailure("release " + target.id() + " is already live; nothing was changed");
        }
        Set<String> schema = new LinkedHashSet<>();
        releases.forEach(r -> schema.addAll(r.migrations()));
        List<String> newer = new ArrayList<>(schema);
        newer.removeAll(target.migrations());
        newer.sort(Comparator.naturalOrder());
        RollbackChoice choice = new RollbackChoice(target, live, List.copyOf(newer));
        if (!newer.isEmpty() && !request.force()) {
            throw new TierFailure(choice.refusal());
        }
        return choice;
    }

    /** True when the target is older than the schema (only possible with --force). */
    public boolean pastMigrations() {
        return !newer.isEmpty();
    }

    /** The line the command prints about the database. */
    public String databaseNote() {
        return pastMigrations() ? NOT_REVERSED + "; --force: release " + target.id() + " runs against "
                + newer.size() + " migration(s) it does not know (" + String.join(", ", newer) + ")" : NOT_REVERSED;
    }

    /** {@link #databaseNote()} as a sentence of its own, for the closing line. */
    public String databaseSentence() {
        String note = databaseNote();
        return Character.toUpperCase(note.charAt(0)) + note.substring(1) + ".";
    }

    private String refusal() {
        return "refusing to roll back to release " + target.id() + ": it is older than the database's schema, which has "
                + newer.size() + " migration(s) the release does not carry (" + String.join(", ", newer) + "; the last one "
                + "came with a newer release). " + NOT_REVERSED + ", and the old code may fail against the new schema. "
                + "Nothing was changed. Deploy a fix forward, or run again with --force to roll back anyway.";
    }

    private static ReleaseEntry named(List<ReleaseEntry> releases, String id) {
        return releases.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new TierFailure("there is no release " + id + " to roll back to; the releases are: "
                        + String.join(", ", releases.stream().map(ReleaseEntry::id).toList()) + " (see tierlift releases)"));
    }

    private static ReleaseEntry before(List<ReleaseEntry> releases, ReleaseEntry live) {
        int at = releases.indexOf(live);
        Optional<ReleaseEntry> older = releases.stream().skip(at + 1L).findFirst();
        return older.orElseThrow(() -> new TierFailure("release " + live.id() + " is live and no older release is kept: "
                + "there is nothing to roll back to"));
    }
}
