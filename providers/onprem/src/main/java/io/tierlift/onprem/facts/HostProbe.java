package io.tierlift.onprem.facts;

import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.ExecResult;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds the one command that reads a host's {@link HostState}, and parses its answer. The script
 * is fixed text; the app name, paths and versions arrive as quoted positional parameters.
 */
public final class HostProbe {
    /** Debian policy's package names: lower case letters, digits, '+', '-' and '.', starting alphanumeric. */
    public static final java.util.regex.Pattern PACKAGE_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final java.util.regex.Pattern PYTHON = java.util.regex.Pattern.compile("python3\\.[0-9]{1,2}");
    private static final java.util.regex.Pattern SUM = java.util.regex.Pattern.compile("[0-9a-f]{64}");
    // Runs on every host at the start of every deploy, plan and status: it forks as few programs
    // as it can (shell builtins and parameter expansion instead of basename, head and tr; one stat
    // and one sha256sum for all managed files), since those forks were most of its cost.
    private static final String SCRIPT = String.join("\n",
            "app=$1; root=$2; pgv=$3; pkgs=$4; shift 4",
            "if [ -d /run/systemd/system ]; then echo 'SYSTEMD yes'; else echo 'SYSTEMD no'; fi",
            // The Python the app's virtualenv is built with: /usr/bin/python3 links to python3.X.
            "p=$(readlink -f /usr/bin/python3 2>/dev/null) && [ -x \"$p\" ] && echo \"PYTHON ${p##*/}\"",
            "r=$(readlink \"$root/current\" 2>/dev/null) && echo \"RELEASE $r\"",
            "r=$(readlink \"$root/static/current\" 2>/dev/null) && echo \"STATIC $r\"",
            "r=$(readlink \"$root/previous\" 2>/dev/null) && echo \"PREVIOUS $r\"",
            "r=$(readlink \"$root/static/previous\" 2>/dev/null) && echo \"STATICPREVIOUS $r\"",
            "for d in \"$root\"/releases/*/; do [ -d \"$d\" ] && d=${d%/} && echo \"RELEASES ${d##*/}\"; done",
            "for d in \"$root\"/static/releases/*/; do [ -d \"$d\" ] && d=${d%/} && echo \"STATICRELEASES ${d##*/}\"; done",
            "for d in \"$root\"/venvs/w-*; do case \"$d\" in *.tree) ;; *) [ -e \"$d\" ] && echo \"VENV ${d##*/}\";; esac; done",
            "alive() { pid=; [ -f \"$1\" ] && { read -r pid || [ -n \"$pid\" ]; } < \"$1\" && [ -n \"$pid\" ] && kill -0 \"$pid\" 2>/dev/null; }",
            "alive /run/nginx.pid && echo \"NGINX $pid\"",
            "alive \"/run/$app/gunicorn.pid\" && echo \"APP $pid\"",
            "data=/var/lib/postgresql/$pgv/main",
            "alive \"$data/postmaster.pid\" && echo \"POSTGRES $pid\"",
            "[ -f \"/etc/postgresql/$pgv/main/postgresql.conf\" ] && echo 'PGCLUSTER yes'",
            "[ -f \"$data/standby.signal\" ] && echo 'PGSTANDBY yes'",
            // Package names are checked to be plain words, so $pkgs is split on purpose; a missing one prints nothing.
            "[ -n \"$pkgs\" ] && dpkg-query -W -f='PKG ${Package} ${db:Status-Abbrev}\\n' $pkgs 2>/dev/null",
            "lease=/var/lib/tierlift/$app/lease",
            "if [ -f \"$lease\" ]; then",
            "  l=; while IFS= read -r x || [ -n \"$x\" ]; do l=\"$l$x \"; done < \"$lease\"; echo \"LEASE $l\"",
            "fi",
            "for f in \"$@\"; do",
            "  for x in \"$f.tierlift-new\" \"$f.tierlift-prev\"; do [ -e \"$x\" ] && echo \"LEFTOVER $x\"; done",
            "done",
            // keep only the regular files among the parameters (the for list was expanded before the loop)
            "for f in \"$@\"; do shift; [ -f \"$f\" ] && set -- \"$@\" \"$f\"; done",
            "if [ $# -gt 0 ]; then",
            "  stat -c 'MODE %a %U %G %n' -- \"$@\"",
            "  sha256sum -- \"$@\"",
            "fi",
            "true");

    /** {@code packages}: the Debian packages the host's roles need ({@link #PACKAGE_NAME} each). */
    public RemoteCommand command(String app, String appRoot, int postgresVersion, List<String> packages, List<String> paths) {
        for (String name : packages) {
            if (!PACKAGE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a Debian package name: " + name);
            }
        }
        List<String> parameters = new ArrayList<>(List.of(app, appRoot, Integer.toString(postgresVersion), String.join(" ", packages)));
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
        Map<String, String[]> modes = new HashMap<>();
        Map<String, String> sums = new HashMap<>();
        Set<String> installed = new HashSet<>();
        Optional<String> python = Optional.empty();
        for (String line : result.out().split("\n")) {
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            String tag = line.substring(0, space);
            String value = line.substring(space + 1);
            switch (tag) {
                case "SYSTEMD" -> systemd = value.equals("yes");
                case "PYTHON" -> python = PYTHON.matcher(value).matches() ? Optional.of(value.substring("python".length())) : Optional.empty();
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
                case "PKG" -> {
                    // "name ii " is installed; "rc" (removed, config kept) and others are not
                    String[] parts = value.split(" ");
                    if (parts.length >= 2 && parts[1].equals("ii")) {
                        installed.add(parts[0]);
                    }
                }
                case "MODE" -> {
                    String[] parts = value.split(" ", 4);
                    if (parts.length == 4) {
                        modes.put(parts[3], parts);
                    }
                }
                default -> {
                    // sha256sum's own lines: 64 hex digits, two spaces, the path as given
                    if (SUM.matcher(tag).matches() && value.startsWith(" ")) {
                        sums.put(value.substring(1), tag);
                    }
                    // Anything else (e.g. a login banner) is ignored.
                }
            }
        }
        // A file is reported when both its mode and its checksum were read (it may vanish between the two).
        for (Map.Entry<String, String[]> mode : modes.entrySet()) {
            String path = mode.getKey();
            String sum = sums.get(path);
            if (sum != null && files.containsKey(path)) {
                String[] parts = mode.getValue();
                files.put(path, new FileFact(path, true, Optional.of(sum), Integer.parseInt(parts[0], 8), parts[1], parts[2]));
            }
        }
        return new HostState(host, systemd, release, staticRelease, nginx, app, postgres, cluster, standby, lease,
                files, leftovers, releases, staticReleases, venvs, previousRelease, previousStatic, PackageFacts.installed(installed),
                python);
    }

    private static Optional<Long> pid(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
