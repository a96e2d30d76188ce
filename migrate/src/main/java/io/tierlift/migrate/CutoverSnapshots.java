package io.tierlift.migrate;

/**
 * Snapshots of both servers at the cutover, held from the pin-snapshot step until the verify after
 * the switch has read them. They live in this process only: an interrupted run loses them.
 */
final class CutoverSnapshots implements AutoCloseable {
    private final Servers servers;
    private Sql source;
    private Sql target;
    /** True once both connections hold their cutover snapshot (they are opened a little earlier, outside the downtime). */
    private boolean pinned;

    CutoverSnapshots(Servers servers) {
        this.servers = servers;
    }

    /** Connecting (TLS, SCRAM) takes tens of milliseconds: done before writes stop, the snapshots are taken in the downtime. */
    void connect() {
        if (source == null || !source.valid() || target == null || !target.valid()) {
            close();
            source = servers.source("source (cutover snapshot)");
            target = servers.target("target (cutover snapshot)");
        }
    }

    /** Pins the state both servers hold now; returns their WAL positions as the progress line shows them. */
    String pin() {
        connect();
        String sourceLsn = source.pinSnapshot();
        String targetLsn = target.pinSnapshot();
        pinned = true;
        return "source WAL " + sourceLsn + ", target WAL " + targetLsn;
    }

    boolean pinned() {
        return pinned;
    }

    Sql source() {
        return source;
    }

    Sql target() {
        return target;
    }

    @Override
    public void close() {
        pinned = false;
        if (source != null) {
            source.close();
            source = null;
        }
        if (target != null) {
            target.close();
            target = null;
        }
    }
}
