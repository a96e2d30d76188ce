package io.tierlift.cli.init;

import java.util.Optional;

/**
 * One thing {@code tierlift init} guessed about an app: the descriptor field, the value it proposes,
 * where in the repository it saw the evidence ({@code file:line}, or nothing when the value is a
 * default), and what a person should check before trusting it.
 */
public record Guess(String field, String value, Optional<String> evidence, String check) {
    static Guess seen(String field, String value, Source where, String check) {
        return new Guess(field, value, Optional.of(where.toString()), check);
    }

    /** A file and a 1-based line in it, written as the repository names the file. */
    record Source(String file, int line) {
        @Override
        public String toString() {
            return file + ":" + line;
        }
    }

    /** "backend.wsgi = notes.app:app (backend/notes/app.py:24) — check: ..." */
    public String line() {
        return field + " = " + value + evidence.map(e -> " (" + e + ")").orElse(" (default)") + "; check: " + check;
    }
}
