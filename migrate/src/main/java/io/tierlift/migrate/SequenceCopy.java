package io.tierlift.migrate;

import io.tierlift.provider.Progress;

/** Sets every sequence on one server to where it stands on the other: at the cutover forward, at a rollback back. */
final class SequenceCopy {
    private final Catalog catalog;
    private final Progress progress;

    SequenceCopy(Catalog catalog, Progress progress) {
        this.catalog = catalog;
        this.progress = progress;
    }

    void copy(Sql from, Sql to, String scope) {
        for (Catalog.SequenceRef seq : catalog.sequences(from)) {
            Catalog.SequenceState state = catalog.sequenceState(from, seq);
            to.query("SELECT setval(?::regclass, ?, ?)", rs -> 1, seq.qualified(), state.lastValue(), state.isCalled());
            progress.step(scope, "sequence " + seq.schema() + "." + seq.name() + " set to " + state.lastValue()
                    + (state.isCalled() ? "" : " (not yet used)"));
        }
    }
}
