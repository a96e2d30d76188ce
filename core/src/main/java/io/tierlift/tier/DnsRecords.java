package io.tierlift.tier;

import io.tierlift.model.AppDescriptor;

import java.util.Optional;

/** Opens the descriptor's managed DNS record; empty when the descriptor has no dns section. */
@FunctionalInterface
public interface DnsRecords {
    Optional<DnsRecord> open(AppDescriptor descriptor);

    /** For tiers built without DNS access (tests): every takeTraffic prints its instructions instead. */
    static DnsRecords none() {
        return descriptor -> Optional.empty();
    }
}
