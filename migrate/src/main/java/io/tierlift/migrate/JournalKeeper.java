package io.tierlift.migrate;

import java.util.function.UnaryOperator;

/** The journal of the migration being run: the current one in memory, and the file it is written to. */
final class JournalKeeper {
    private final JournalStore store;
    private Journal current;

    JournalKeeper(JournalStore store, Journal current) {
        this.store = store;
        this.current = current;
    }

    Journal current() {
        return current;
    }

    /** Changes the journal in memory only: the change is written with the step that made it. */
    void change(UnaryOperator<Journal> edit) {
        current = edit.apply(current);
    }

    /** Changes the journal and writes it at once: for what must outlive a crash inside the step. */
    void record(UnaryOperator<Journal> edit) {
        current = store.write(edit.apply(current));
    }

    JournalStore store() {
        return store;
    }
}
