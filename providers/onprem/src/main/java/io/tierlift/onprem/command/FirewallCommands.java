package io.tierlift.onprem.command;

/**
 * Applying host firewall rules without locking ourselves out: check the file, remember the current
 * rules, apply, and arm a timer that puts the old rules back unless a new SSH session proves the
 * host is still reachable and the timer is disarmed.
 */
public final class FirewallCommands {
    private static final String STATE = "/var/lib/tierlift/firewall";

    /** Prints the address this SSH session comes from, as the host sees it. */
    public RemoteCommand clientAddress() {
        return RemoteCommand.script("set -- $SSH_CLIENT; echo \"$1\"");
    }

    public RemoteCommand check(String file) {
        return RemoteCommand.of("nft", "-c", "-f", file);
    }

    public RemoteCommand applyWithRollback(String file, int rollbackSeconds) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "f=$1; t=$2; d=" + STATE,
                "mkdir -p \"$d\"",
                "{ echo 'table inet tierlift'; echo 'delete table inet tierlift'; nft list table inet tierlift 2>/dev/null || true; } > \"$d/previous.nft\"",
                // Connections open before the rules (this SSH session) are picked up mid-stream; without liberal
                // window tracking conntrack can mark their packets invalid and the rules would drop them.
                "sysctl -q -w net.netfilter.nf_conntrack_tcp_be_liberal=1 2>/dev/null || true",
                "nft -f \"$f\"",
                "nohup sh -c 'sleep \"$1\"; nft -f \"$2/previous.nft\"; rm -f \"$2/rollback.pid\"' tierlift-rollback \"$t\" \"$d\" >/dev/null 2>&1 &",
                "echo $! > \"$d/rollback.pid\""), file, Integer.toString(rollbackSeconds));
    }

    /** Called over a fresh SSH session: it got through, so the new rules keep SSH open. */
    public RemoteCommand confirm() {
        return RemoteCommand.script(String.join("\n",
                "d=" + STATE,
                "if [ -f \"$d/rollback.pid\" ]; then kill \"$(cat \"$d/rollback.pid\")\" 2>/dev/null || true; rm -f \"$d/rollback.pid\"; fi",
                "rm -f \"$d/previous.nft\""));
    }

    /** The boot unit loads the placed rules again after a reboot; enabling an enabled unit changes nothing. */
    public RemoteCommand enableAtBoot(String unit) {
        return RemoteCommand.script("systemctl daemon-reload && systemctl enable --quiet \"$1\"", unit);
    }
}
