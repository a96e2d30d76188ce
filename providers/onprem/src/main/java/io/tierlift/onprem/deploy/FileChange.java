package io.tierlift.onprem.deploy;

import io.tierlift.plan.Action;
import io.tierlift.provider.RenderedFile;

/**
 * One file to place on a host. {@code wanted} holds real secret values (never printed);
 * {@code masked} is the same file with stand-ins, used for diffs.
 */
public record FileChange(String host, String path, Action action, RenderedFile wanted, RenderedFile masked,
                         ManagedService service, String why) {
}
