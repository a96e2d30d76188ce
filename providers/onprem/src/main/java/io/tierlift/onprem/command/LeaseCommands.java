package io.tierlift.onprem.command;

/**
 * The deploy lease kept on every host: who deploys, since when, until when. Creating it is atomic
 * (a hard link fails when the lease exists), so two deploys can't both get it.
 */
public final class LeaseCommands {
    /** Exit code when someone else holds a live lease. */
    public static final int HELD = 3;
    /** Exit code when an expired lease is in the way and breaking it was not asked for. */
    public static final int STALE = 4;

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
}
