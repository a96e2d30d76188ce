package io.tierlift.onprem.command;

import java.util.List;

/**
 * Debian packages on a host, from the host's own package sources: what they offer, and installing
 * what a role needs. Installs never start services (a policy-rc.d refusal while apt runs) and
 * never let Debian make a default PostgreSQL cluster: tierlift creates, configures and starts
 * each service itself, in its own order, with its own settings.
 */
public final class PackageCommands {
    /**
     * {@code fetch ATTEMPTS SECONDS COMMAND...}: what goes over the network, each attempt bounded and
     * retried. An apt download can stall for good behind a proxy or package cache that drops a
     * connection (apt then waits on an answer that never comes); a stalled download is safe to stop.
     */
    private static final String FETCH = String.join("\n",
            "fetch() {",
            "  attempts=$1; limit=$2; shift 2; n=1",
            "  until timeout \"$limit\" \"$@\"; do",
            "    [ \"$n\" -ge \"$attempts\" ] && { echo \"gave up after $n attempts of $limit s: $*\" >&2; return 1; }",
            "    echo \"retrying ($n of $attempts failed or stalled): $*\" >&2; n=$((n+1)); sleep 2",
            "  done",
            "}");
    private static final String UPDATE = "fetch 3 60 apt-get -q update";

    /**
     * What the sources offer: "LISTS yes|no" (whether apt knows any package from the sources configured
     * now), then "CANDIDATE name version-or-(none)" per package apt knows.
     */
    public RemoteCommand candidates(List<String> packages) {
        return RemoteCommand.script(String.join("\n",
                // apt reads only the lists of the sources configured now; with none read, its policy names
                // no "... Packages" file (lists left from another mirror do not count): download first.
                "if LC_ALL=C apt-cache policy 2>/dev/null | grep -q ' Packages$'; then echo 'LISTS yes'; else echo 'LISTS no'; fi",
                "LC_ALL=C apt-cache policy \"$@\" 2>/dev/null | while read -r first rest; do",
                "  case \"$first\" in",
                "    Candidate:) echo \"CANDIDATE $name $rest\" ;;",
                "    *:) [ -z \"$rest\" ] && name=${first%:} ;;",
                "  esac",
                "done"), packages.toArray(String[]::new));
    }

    /**
     * Downloads the package lists of the sources configured now (apt's cache only: nothing is
     * installed or configured), so that a fresh host can say which versions it offers.
     */
    public RemoteCommand refreshLists() {
        return RemoteCommand.script(String.join("\n", "set -e", "export DEBIAN_FRONTEND=noninteractive", FETCH, UPDATE));
    }

    /**
     * Installs the packages; with {@code refreshLists} the package lists are downloaded first (a
     * fresh machine has none). The policy-rc.d file is tierlift's only while the install runs.
     *
     * <p>What goes over the network runs apart from dpkg ({@link #FETCH}): a stalled download is
     * safe to stop, a half-run dpkg is not. The bounds add up to less than the command's own timeout.
     */
    public RemoteCommand install(List<String> packages, boolean refreshLists) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "refresh=$1; shift",
                "export DEBIAN_FRONTEND=noninteractive",
                "install -d /etc/postgresql-common/createcluster.d",
                "printf '%s\\n' '# placed by tierlift: tierlift creates the cluster itself (UTF8, its own port)' "
                        + "'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/tierlift.conf",
                "if [ ! -e /usr/sbin/policy-rc.d ]; then",
                "  printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d",
                "  trap 'rm -f /usr/sbin/policy-rc.d' EXIT",
                "fi",
                FETCH,
                "if [ \"$refresh\" = yes ]; then " + UPDATE + "; fi",
                "fetch 2 180 apt-get -q install -y --download-only --no-install-recommends \"$@\"",
                "apt-get -q install -y --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \"$@\""),
                refreshLists ? "yes" : "no").args(packages);
    }
}
