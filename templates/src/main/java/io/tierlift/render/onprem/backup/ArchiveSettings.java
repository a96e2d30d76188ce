package io.tierlift.render.onprem.backup;

/**
 * View model of the PostgreSQL settings that send every WAL segment to the repository. The same
 * on the standby: archive_mode = on does nothing there until it is promoted, then it archives.
 */
public record ArchiveSettings(String hostName, String stanza) {
}
