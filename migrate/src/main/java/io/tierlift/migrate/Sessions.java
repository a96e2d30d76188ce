package io.tierlift.migrate;

import java.util.function.Supplier;

/**
 * One connection per server for a whole run, opened when first needed and opened again when the
 * server stopped answering: the cutover steps then pay no connection set-up inside the downtime.
 */
final class Sessions implements AutoCloseable {
    private final Servers servers;
    private Sql source;
    private Sql target;

    Sessions(Servers servers) {
        this.servers = servers;
    }

    Sql source() {
        source = usable(source, servers::source);
        return source;
    }

    Sql target() {
        target = usable(target, servers::target);
        return target;
    }

    private static Sql usable(Sql current, Supplier<Sql> open) {
        if (current != null && current.valid()) {
            return current;
        }
        if (current != null) {
            current.close();
        }
        return open.get();
    }

    @Override
    public void close() {
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
    }
}
