package io.tierlift.tier;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One release a tier can return to, as {@code tierlift releases} lists it.
 *
 * @param id         how {@code deploy --rollback --to} names it (on-prem the release id, aws-iaas the
 *                   release's content id, aws-serverless the function version)
 * @param deployedAt when it was deployed or last made live; empty when the tier does not record it
 * @param live       whether it serves now
 * @param migrations the schema migrations it carries (see {@link io.tierlift.release.SchemaMigrations}),
 *                   in order: its release command brought the database at least to the last of them
 */
public record ReleaseEntry(String id, Optional<Instant> deployedAt, boolean live, List<String> migrations) {
    public ReleaseEntry {
        Objects.requireNonNull(id);
        Objects.requireNonNull(deployedAt);
        migrations = List.copyOf(migrations);
    }

    /** The last migration it carries: the schema it brought the database to. */
    public Optional<String> schema() {
        return migrations.isEmpty() ? Optional.empty() : Optional.of(migrations.get(migrations.size() - 1));
    }
}
