package io.tierlift.onprem.command;

import java.util.ArrayList;
import java.util.List;

/**
 * The deploy lease kept on every host: who deploys, since when, until when. Creating it is atomic
 * (a hard link fails when the lease exists), so two deploys can't both get it.
 */
public final class LeaseCommands {
    /** Exit code when someone else holds a live lease. */
    public static final int HELD = 3;
    /** Exit code when an expired lease is in the way and breaking it was not asked for. */
    public static final int STALE = 4;
    /** Printed by {@link #thenProbe} once the lease is held: a failure after it must still give the lease back. */
    public static final String LEASED = "LEASED yes";
    /** Printed by {@link #thenProbe} when the app user, group and folders already look as bootstrapping leaves them. */
    public static final String BOOTSTRAPPED = "BOOTSTRAP done";

    // $1 lease script, $2 how many parameters it takes, $3 probe script, $4 app, $5 app root, then
    // the lease's parameters and the probe's. The lease script reads only its own leading ones.
    private static final String LEASE_THEN_PROBE = String.join("\n",
            "lease=$1; n=$2; probe=$3; app=$4; root=$5; shift 5",
            "sh -c \"$lease\" tierlift \"$@\" || exit",
            "echo '" + LEASED + "'",
            "shift \"$n\"",
            // The log folder's owner and group print as names only when the app's user and group exist.
            "s=$(stat -c '%a %U %G' -- \"$root\" \"$root/releases\" \"/var/log/$app\" 2>/dev/null)",
            "case \"$s\" in \"755 \"*\"",
            "755 \"*\"",
            "750 $app $app\") echo '" + BOOTSTRAPPED + "' ;;",
            "esac",
            "exec sh -c \"$probe\" tierlift \"$@\"");

    /** With {@code breakLease}, any lease in the way is broken (the operator says its deploy is dead). */
    public RemoteCommand acquire(String app, String owner, long ttlSeconds, boolean breakStale) {
        return RemoteCommand.script(String.join("\n",
                "app=$1; owner=$2; ttl=$3; force=$4",
                "d=/var/lib/tierlift/$app; mkdir -p \"$d\"; f=$d/lease",
                "now=$(date +%s)",
                "if [ -f \"$f\" ]; then",
                "  exp=$(sed -n 's/^expires=//p' \"$f\")",
                "  held=$(sed -n 's/^owner=//p' \"$f\")",
                "  if [ \"$held\" != \"$owner\" ]; then",
                "    if [ \"$force\" != yes ] && [ -n \"$exp\" ] && [ \"$exp\" -gt \"$now\" ]; then cat \"$f\" >&2; exit " + HELD + "; fi",
                "    if [ \"$force\" != yes ]; then cat \"$f\" >&2; exit " + STALE + "; fi",
                "    echo \"broke the lease of $held\" >&2",
                "  fi",
                "  rm -f \"$f\"",
                "fi",
                "t=$(mktemp \"$d/lease.XXXXXX\")",
                "printf 'owner=%s\\nsince=%s\\nexpires=%s\\n' \"$owner\" \"$now\" \"$((now+ttl))\" > \"$t\"",
                "if ! ln \"$t\" \"$f\" 2>/dev/null; then rm -f \"$t\"; cat \"$f\" >&2; exit " + HELD + "; fi",
                "rm -f \"$t\""), app, owner, Long.toString(ttlSeconds), breakStale ? "yes" : "no");
    }

    public RemoteCommand release(String app, String owner) {
        return RemoteCommand.script(String.join("\n",
                "f=/var/lib/tierlift/$1/lease",
                "[ -f \"$f\" ] || exit 0",
                "held=$(sed -n 's/^owner=//p' \"$f\")",
                "[ \"$held\" = \"$2\" ] && rm -f \"$f\"",
                "exit 0"), app, owner);
    }

    /**
     * Takes the lease with {@code lease} and, only when that worked, prints {@link #LEASED}, then
     * {@link #BOOTSTRAPPED} when {@link ServiceCommands#appUserAndFolders} has nothing left to do,
     * and runs {@code probe}: one round trip instead of three. Both scripts run unchanged; their
     * values stay quoted parameters.
     */
    public RemoteCommand thenProbe(RemoteCommand lease, RemoteCommand probe, String app, String appRoot) {
        Script first = Script.of(lease);
        Script second = Script.of(probe);
        List<String> parameters = new ArrayList<>(List.of(first.text(), Integer.toString(first.parameters().size()),
                second.text(), app, appRoot));
        parameters.addAll(first.parameters());
        parameters.addAll(second.parameters());
        return RemoteCommand.script(LEASE_THEN_PROBE, parameters.toArray(String[]::new));
    }

    /** A command built by {@link RemoteCommand#script}: {@code sh -c SCRIPT tierlift PARAMETERS...}. */
    private record Script(String text, List<String> parameters) {
        static Script of(RemoteCommand command) {
            List<String> argv = command.argv();
            if (argv.size() < 4 || !argv.get(0).equals("sh") || !argv.get(1).equals("-c")) {
                throw new IllegalArgumentException("not a script command: " + command);
            }
            return new Script(argv.get(2), argv.subList(4, argv.size()));
        }
    }
}
