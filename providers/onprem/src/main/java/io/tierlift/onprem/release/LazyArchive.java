package io.tierlift.onprem.release;

import java.util.function.Supplier;

/** Archive bytes made once, on first use, shared by every host that needs them. */
final class LazyArchive {
    private final Supplier<byte[]> source;
    private byte[] bytes;

    LazyArchive(Supplier<byte[]> source) {
        this.source = source;
    }

    /** A copy: callers can't change what other hosts receive. */
    byte[] bytes() {
        return made().clone();
    }

    int size() {
        return made().length;
    }

    private synchronized byte[] made() {
        if (bytes == null) {
            bytes = source.get();
        }
        return bytes;
    }
}
