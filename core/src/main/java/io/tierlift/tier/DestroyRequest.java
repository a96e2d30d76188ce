package io.tierlift.tier;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code destroy}; {@code forceDataDeletion} also removes the data (the AWS data stack, lifting its protection
 * first; the on-prem PostgreSQL cluster and backup repository, after a final dump into {@code dumpDirectory},
 * a folder on the operator's machine).
 */
public record DestroyRequest(boolean forceDataDeletion, Path dumpDirectory) {
    public DestroyRequest {
        Objects.requireNonNull(dumpDirectory);
    }
}
