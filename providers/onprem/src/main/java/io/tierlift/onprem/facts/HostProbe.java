package io.tierlift.onprem.facts;

import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.ExecResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the one command that reads a host's {@link HostState}, and parses its answer. The script
 * is fixed text; the app name, paths and versions arrive as quoted positional parameters.
 */
public final class HostProbe {
    private static final String SCRIPT = String.join("\n",
            "app=$1; root=$2; pgv=$3; shift 3",
            "if [ -d /run/systemd/system ]; then echo 'SYSTEMD yes'; else echo 'SYSTEMD no'; fi",
            "r=$(readlink \"$root/current\" 2>/dev/null) && echo \"RELEASE $r\"",
            "r=$(readlink \"$root/static/current\" 2>/dev/null) && echo \"STATIC $r\"",
            "r=$(readlink \"$root/previous\" 2>/dev/null) && echo \"PREVIOUS $r\"",
            "r=$(readlink \"$root/static/previous\" 2>/dev/null) && echo \"STATICPREVIOUS $r\"",
            "for d in \"$root\"/releases/*/; do [ -d \"$d\" ] && echo \"RELEASES $(basename \"$d\")\"; done",
            "for d in \"$root\"/static/releases/*/; do [ -d \"$d\" ] && echo \"STATICRELEASES $(basename \"$d\")\"; done",
            "for d in \"$root\"/venvs/w-*; do case \"$d\" in *.tree) ;; *) [ -e \"$d\" ] && echo \"VENV $(basename \"$d\")\";; esac; done",
            "alive() { [ -f \"$1\" ] && p=$(head -n 1 \"$1\") && [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null && echo \"$p\"; }",
            "p=$(alive /run/nginx.pid) && echo \"NGINX $p\"",
            "p=$(alive \"/run/$app/gunicorn.pid\") && echo \"APP $p\"",
            "data=/var/lib/postgresql/$pgv/main",
            "p=$(alive \"$data/postmaster.pid\") && echo \"POSTGRES $p\"",
            "[ -f \"/etc/postgresql/$pgv/main/postgresql.conf\" ] && echo 'PGCLUSTER yes'",
            "[ -f \"$data/standby.signal\" ] && echo 'PGSTANDBY yes'",
            "[ -f \"/var/lib/tierlift/$app/lease\" ] && echo \"LEASE $(tr '\\n' ' ' < \"/var/lib/tierlift/$app/lease\")\"",
            "for f in \"$@\"; do",
            "  for x in \"$f.tierlift-new\" \"$f.tierlift-prev\"; do [ -e \"$x\" ] && echo \"LEFTOVER $x\"; done",
            "  [ -f \"$f\" ] || continue",
            "  s=$(stat -c '%a %U %G' -- \"$f\") || continue",
            "  h=$(sha256sum < \"$f\") || continue",
            "  echo \"FILE ${h%% *} $s $f\"",
            "done",
            "true");

    public RemoteCommand command(String app, String appRoot, int postgresVersion, List<String> paths) {
        List<String> parameters = new ArrayList<>(List.of(app, appRoot, Integer.toString(postgresVersion)));
        parameters.addAll(paths);
        return RemoteCommand.script(SCRIPT, parameters.toArray(String[]::new));
    }

    public HostState parse(String host, List<String> paths, ExecResult result) {
        if (!result.ok()) {
            throw new IllegalStateException("reading the state of " + host + " failed: " + result.stderr().strip());
        }
        Map<String, FileFact> files = new HashMap<>();
        for (String path : paths) {
            files.put(path, FileFact.missing(path));
        }
        boolean systemd = false;
        boolean cluster = false;
        boolean standby = false;
        Optional<String> release = Optional.empty();
        Optional<String> staticRelease = Optional.empty();
        Optional<String> previousRelease = Optional.empty();
        Optional<String> previousStatic = Optional.empty();
        Optional<Long> nginx = Optional.empty();
        Optional<Long> app = Optional.empty();
        Optional<Long> postgres = Optional.empty();
        Optional<String> lease = Optional.empty();
        List<String> leftovers = new ArrayList<>();
        List<String> releases = new ArrayList<>();
        List<String> staticReleases = new ArrayList<>();
        List<String> venvs = new ArrayList<>();
        for (String line : result.out().split("\n")) {
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            String tag = line.substring(0, space);
            String value = line.substring(space + 1);
            switch (tag) {
                case "SYSTEMD" -> systemd = value.equals("yes");
                case "RELEASE" -> release = Optional.of(value);
                case "STATIC" -> staticRelease = Optional.of(value);
                case "PREVIOUS" -> previousRelease = Optional.of(value);
                case "STATICPREVIOUS" -> previousStatic = Optional.of(value);
                case "RELEASES" -> releases.add(value);
                case "STATICRELEASES" -> staticReleases.add(value);
                case "VENV" -> venvs.add(value);
                case "NGINX" -> nginx = pid(value);
                case "APP" -> app = pid(value);
                case "POSTGRES" -> postgres = pid(value);
                case "PGCLUSTER" -> cluster = true;
                case "PGSTANDBY" -> standby = true;
                case "LEASE" -> lease = Optional.of(value.strip());
                case "LEFTOVER" -> leftovers.add(value);
                case "FILE" -> {
                    String[] parts = value.split(" ", 5);
                    if (parts.length == 5) {
                        files.put(parts[4], new FileFact(parts[4], true, Optional.of(parts[0]),
                                Integer.parseInt(parts[1], 8), parts[2], parts[3]));
                    }
                }
                default -> {
                    // Unknown lines (e.g. a login banner) are ignored.
                }
            }
        }
        return new HostState(host, systemd, release, staticRelease, nginx, app, postgres, cluster, standby, lease,
                files, leftovers, releases, staticReleases, venvs, previousRelease, previousStatic);
    }

    private static Optional<Long> pid(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
