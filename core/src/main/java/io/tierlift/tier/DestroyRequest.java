package io.tierlift.tier;

/** {@code destroy}; {@code forceDataDeletion} also removes the data stack, lifting its protection first. */
public record DestroyRequest(boolean forceDataDeletion) {
}
