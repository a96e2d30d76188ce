package io.tierlift.migrate;

/** Waiting between polls of a server; an interrupt ends the migration instead of being swallowed. */
final class Pause {
    private Pause() {
    }

    static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("interrupted");
        }
    }
}
