package io.tierlift.onprem.deploy;

import io.tierlift.onprem.command.LeaseCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.facts.HostProbe;
import io.tierlift.onprem.ssh.ExecResult;

import java.util.ArrayList;
import java.util.List;

/**
 * The first thing a deploy does on a host, in one round trip instead of three: take the deploy
 * lease, and only when that worked read the host's state and whether the app's user and folders
 * are already in place. The lease and probe scripts are the ones {@link LeaseCommands} and
 * {@link HostProbe} build, run unchanged by a fixed wrapper; their values stay quoted parameters.
 */
final class LeaseProbe {
    /** Printed once the lease is held: a failure after it must still give the lease back. */
    static final String LEASED = "LEASED yes";
    /** Printed when the app user, group and folders already look as bootstrapping leaves them. */
    static final String BOOTSTRAPPED = "BOOTSTRAP done";

    // $1 lease script, $2 how many parameters it takes, $3 probe script, $4 app, $5 app root, then
    // the lease's parameters and the probe's. The lease script reads only its own leading ones.
    private static final String WRAPPER = String.join("\n",
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

    /** What the host answered. */
    record Answer(boolean leased, boolean bootstrapped, ExecResult result) {
    }

    RemoteCommand command(RemoteCommand lease, RemoteCommand probe, String app, String appRoot) {
        Script first = Script.of(lease);
        Script second = Script.of(probe);
        List<String> parameters = new ArrayList<>(List.of(first.text(), Integer.toString(first.parameters().size()),
                second.text(), app, appRoot));
        parameters.addAll(first.parameters());
        parameters.addAll(second.parameters());
        return RemoteCommand.script(WRAPPER, parameters.toArray(String[]::new));
    }

    Answer read(ExecResult result) {
        boolean leased = false;
        boolean bootstrapped = false;
        for (String line : result.out().split("\n")) {
            leased |= line.equals(LEASED);
            bootstrapped |= line.equals(BOOTSTRAPPED);
        }
        return new Answer(leased, bootstrapped, result);
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
