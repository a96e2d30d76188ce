package io.tierlift.onprem.destroy;

import io.tierlift.onprem.command.BackupCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.render.onprem.app.AppLayout;
import io.tierlift.render.onprem.backup.BackupLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands that take a host back to how it was before tierlift, for hosts with and without
 * systemd (each script asks the host). Every one can run again: what is already gone is skipped.
 * Builders only: nothing here runs anything.
 */
final class TeardownCommands {
    private final String app;
    private final String appRoot;

    TeardownCommands(String app, String appRoot) {
        this.app = app;
        this.appRoot = appRoot;
    }

    /** Stops the services and disables their units, so a reboot does not bring them back. */
    RemoteCommand stop(List<TeardownPlan.Service> services) {
        AppLayout layout = new AppLayout(app, appRoot);
        List<String> keys = new ArrayList<>();
        for (TeardownPlan.Service service : services) {
            keys.add(service.name());
        }
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "unit=$1; pidfile=$2; full=$3; diff=$4; backupPid=$5; owner=$6; shift 6",
                "systemd=no; [ -d /run/systemd/system ] && systemd=yes",
                // A unit that is not there (already removed, never installed) has nothing to stop.
                "off() { for u; do if systemctl cat \"$u\" >/dev/null 2>&1; then systemctl disable --now --quiet \"$u\"; fi; done; }",
                "kill_and_wait() {",
                "  [ -f \"$1\" ] || return 0",
                "  pid=$(cat \"$1\"); sig=$2; i=0",
                "  kill \"-$sig\" \"$pid\" 2>/dev/null || { rm -f \"$1\"; return 0; }",
                "  while kill -0 \"$pid\" 2>/dev/null; do",
                "    i=$((i+1)); [ \"$i\" -gt 300 ] && { kill -KILL \"$pid\" 2>/dev/null || true; break; }",
                "    sleep 0.1",
                "  done",
                "  rm -f \"$1\"",
                "}",
                "for s; do",
                "  case $s in",
                "    APP) if [ $systemd = yes ]; then off \"$unit\"; else kill_and_wait \"$pidfile\" TERM; fi ;;",
                "    NGINX) if [ $systemd = yes ]; then off nginx.service; else kill_and_wait /run/nginx.pid QUIT; fi ;;",
                // Without systemd the schedule is the owner's crontab, when tierlift placed it.
                "    BACKUP_SCHEDULE) if [ $systemd = yes ]; then off \"$full.timer\" \"$diff.timer\" \"$full.service\" \"$diff.service\";",
                "      elif crontab -u \"$owner\" -l 2>/dev/null | grep -q 'placed by tierlift'; then crontab -u \"$owner\" -r; fi ;;",
                "    BACKUP_SERVER) if [ $systemd = yes ]; then off pgbackrest.service; else kill_and_wait \"$backupPid\" TERM; fi ;;",
                "    *) echo \"unknown service $s\" >&2; exit 2 ;;",
                "  esac",
                "done"), layout.unitName(), layout.pidFile(), BackupLayout.FULL_UNIT, BackupLayout.DIFF_UNIT, BackupCommands.SERVER_PID_FILE,
                BackupLayout.OWNER).args(keys);
    }

    /** The app database in pg_dump's custom format on stdout, read as postgres over the local socket (no password). */
    RemoteCommand dump(String database, int port) {
        return RemoteCommand.of("runuser", "-u", "postgres", "--", "pg_dump", "-Fc", "-p", Integer.toString(port), "-d", database);
    }

    /**
     * Stops the cluster and deletes it, data and config (Debian's pg_dropcluster); nothing when it is gone already.
     * The stop is immediate: the data is being deleted after its dump arrived, and a fast stop would wait for the
     * archiver to push the last WAL to a repository that is stopped too.
     */
    RemoteCommand dropCluster(int version) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "v=$1",
                "[ -d \"/etc/postgresql/$v/main\" ] || [ -d \"/var/lib/postgresql/$v/main\" ] || exit 0",
                "if pg_ctlcluster \"$v\" main status >/dev/null 2>&1; then pg_ctlcluster \"$v\" main stop -m immediate; fi",
                "pg_dropcluster \"$v\" main"), Integer.toString(version));
    }

    /**
     * Deletes tierlift's table from nftables and its boot unit, after stopping a pending rollback of a deploy's
     * rules (it would load them again). Other tables, and so SSH access as it was before tierlift, are untouched.
     */
    RemoteCommand removeFirewall(String unit) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "unit=$1; table=$2",
                "pidfile=" + TeardownPlan.STATE_DIR + "/firewall/rollback.pid",
                "if [ -f \"$pidfile\" ]; then kill \"$(cat \"$pidfile\")\" 2>/dev/null || true; rm -f \"$pidfile\"; fi",
                "if [ -d /run/systemd/system ] && systemctl cat \"$unit\" >/dev/null 2>&1; then systemctl disable --quiet \"$unit\"; fi",
                "if nft list table $table >/dev/null 2>&1; then nft delete table $table; fi"),
                io.tierlift.render.onprem.firewall.FirewallRenderer.UNIT, TeardownPlan.FIREWALL_TABLE);
    }

    /**
     * Removes files and folders (absolute paths only; a mount point is emptied, not unmounted), then the folders
     * in {@code ifEmpty} when nothing is left in them, then has systemd forget removed units.
     */
    RemoteCommand remove(List<String> paths, List<String> ifEmpty) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(paths.size()));
        args.addAll(paths);
        args.addAll(ifEmpty);
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "n=$1; shift",
                "for p; do",
                "  case \"$p\" in /?*) ;; *) echo \"refusing to remove '$p': not an absolute path\" >&2; exit 2 ;; esac",
                "done",
                "i=0",
                "for p; do",
                "  i=$((i+1))",
                "  if [ \"$i\" -gt \"$n\" ]; then rmdir -- \"$p\" 2>/dev/null || true",
                // A folder that is a disk of its own (a repository volume) is emptied; the mount stays the operator's.
                "  elif mountpoint -q -- \"$p\" 2>/dev/null; then find \"$p\" -xdev -mindepth 1 -delete",
                "  else rm -rf -- \"$p\"; fi",
                "done",
                "if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi"), args.toArray(String[]::new));
    }
}
