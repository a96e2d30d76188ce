package io.tierlift.render.onprem.backup;

/** View model of the script the schedules run on a database host that backs up into a bucket. */
public record PrimaryOnlyBackup(String hostName, String stanza, int port, String pgbackrest) {
}
