package io.tierlift.migrate;

import java.util.Locale;

/** The stages a migration's steps are grouped in, for the plan and the progress lines. */
public enum Phase {
    PREFLIGHT, PROVISION, COPY, VERIFY, CUTOVER;

    /** How the plan and the progress lines name the phase. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return key();
    }
}
