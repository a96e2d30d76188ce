package io.tierlift.sandbox;

/** Receives one human-readable line per step, e.g. "host app1 up (10.231.0.12)". The CLI prints them to stderr. */
@FunctionalInterface
public interface ProgressListener {
    void message(String line);

    /** A listener that drops every message, for callers that only want the result. */
    static ProgressListener silent() {
        return line -> { };
    }
}
