package io.tierlift.render.onprem;

import io.tierlift.provider.RenderedFile;

import java.util.List;

/**
 * Renders the files one concern needs on a host (edge nginx, app server, database, firewall).
 * Returns nothing for hosts without the roles it serves.
 */
public interface HostRoleRenderer {
    List<RenderedFile> render(OnpremScope scope);
}
