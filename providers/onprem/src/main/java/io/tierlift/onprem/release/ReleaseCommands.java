package io.tierlift.onprem.release;

import io.tierlift.onprem.command.RemoteCommand;

import java.util.regex.Pattern;

/**
 * The on-host side of a release, as commands to run (builders only, no I/O). Layout under the app
 * root:
 * <pre>
 *   releases/&lt;r-id&gt;/backend/...      unpacked backend code, never changed after unpacking
 *   releases/&lt;r-id&gt;/venv -&gt; ../../venvs/&lt;w-id&gt;
 *   wheelhouses/&lt;w-id&gt;/wheels/*.whl   what the venv is installed from, offline
 *   venvs/&lt;w-id&gt; -&gt; &lt;w-id&gt;.tree         a link that exists only once the venv is complete
 *   current -&gt; releases/&lt;r-id&gt;, previous -&gt; releases/&lt;older r-id&gt;
 *   static/releases/&lt;s-id&gt;/..., static/current, static/previous
 * </pre>
 * Every step is atomic (built under a temporary name, then renamed) and repeatable: running it
 * again after it succeeded changes nothing, after it was interrupted finishes the job.
 */
public final class ReleaseCommands {
    private static final Pattern APP_ROOT = Pattern.compile("^/(?!.*(^|/)\\.{1,2}(/|$))[A-Za-z0-9._/@+-]{1,254}(?<!/)$");
    private static final Pattern PROGRAM = Pattern.compile("^/?(?!.*(^|/)\\.{1,2}(/|$))[A-Za-z0-9._/+-]{1,255}$");
    private static final String HEX12 = "[0-9a-f]".repeat(12);

    /**
     * Unpacks a backend release arriving on stdin into {@code releases/<id>}. Nothing happens
     * (the archive is read and dropped) when that release is already there.
     */
    public RemoteCommand unpack(String appRoot, String releaseId) {
        return unpackInto(appRoot, ReleaseSet.BACKEND.releasesDir(), checkId(releaseId, 'r'));
    }

    /** Unpacks a static release arriving on stdin into {@code static/releases/<id>}. */
    public RemoteCommand unpackStatic(String appRoot, String staticId) {
        return unpackInto(appRoot, ReleaseSet.STATIC.releasesDir(), checkId(staticId, 's'));
    }

    /** Unpacks a wheelhouse arriving on stdin into {@code wheelhouses/<id>}. */
    public RemoteCommand unpackWheelhouse(String appRoot, String wheelhouseId) {
        return unpackInto(appRoot, "wheelhouses", checkId(wheelhouseId, 'w'));
    }

    private RemoteCommand unpackInto(String appRoot, String area, String id) {
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "dir=\"$1/$2/$3\"",
                "if [ -d \"$dir\" ]; then",
                // The archive is on its way anyway: read it, so the sender does not hit a closed pipe.
                "  cat >/dev/null; echo present; exit 0",
                "fi",
                "mkdir -p \"$1/$2\"",
                "rm -rf \"$dir.partial\"",
                "mkdir \"$dir.partial\"",
                "tar -xzf - --no-same-owner -C \"$dir.partial\"",
                // The release's mtime is when it arrived (entries carry a fixed 2000-01-01): prune orders by it.
                "touch \"$dir.partial\"",
                "mv -T \"$dir.partial\" \"$dir\"",
                "echo unpacked"), checkRoot(appRoot), area, id);
    }

    /**
     * Creates the virtualenv {@code venvs/<wheelhouseId>} with {@code pythonBinary -m venv} and
     * installs the wheelhouse's requirements into it without any index. A venv holds its own
     * absolute path (in {@code bin/python} links and script shebangs), so it cannot be built under
     * a temporary name and renamed: it is built in {@code venvs/<id>.tree} and
     * {@code venvs/<id>} becomes a link to it, created atomically only when the install succeeded.
     * pip runs isolated from the host's pip configuration and environment.
     */
    public RemoteCommand buildVenv(String appRoot, String wheelhouseId, String pythonBinary) {
        if (!PROGRAM.matcher(pythonBinary).matches()) {
            throw new IllegalArgumentException("not a program path: " + pythonBinary);
        }
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "root=$1; id=$2; python=$3",
                "venv=\"$root/venvs/$id\"; tree=\"$venv.tree\"; house=\"$root/wheelhouses/$id\"",
                "if [ -e \"$venv\" ]; then echo present; exit 0; fi",
                "if [ ! -d \"$house/wheels\" ]; then echo \"wheelhouse $id is not unpacked in $house\" >&2; exit 1; fi",
                "want=$(cat \"$house/python-version\")",
                "have=$(\"$python\" -c 'import sys; print(\"%d.%d\" % sys.version_info[:2])')",
                "if [ \"$want\" != \"$have\" ]; then",
                "  echo \"wheelhouse $id holds wheels for Python $want but $python is Python $have\" >&2; exit 1",
                "fi",
                "mkdir -p \"$root/venvs\"",
                "rm -rf \"$tree\"",
                // Projects the descriptor takes from Debian packages are visible to the venv (and its pip).
                "if [ -f \"$house/system-site-packages\" ]; then \"$python\" -m venv --system-site-packages \"$tree\"; "
                        + "else \"$python\" -m venv \"$tree\"; fi",
                "PIP_CONFIG_FILE=/dev/null \"$tree/bin/python\" -m pip --isolated install --no-index --no-cache-dir \\",
                "  --disable-pip-version-check --quiet --find-links \"$house/wheels\" -r \"$house/requirements.txt\"",
                "ln -sfn \"$id.tree\" \"$venv.tmp\"",
                "mv -T \"$venv.tmp\" \"$venv\"",
                "echo built"), checkRoot(appRoot), checkId(wheelhouseId, 'w'), pythonBinary);
    }

    /** Points {@code releases/<releaseId>/venv} at {@code venvs/<wheelhouseId>} (relative link, atomic switch). */
    public RemoteCommand linkVenv(String appRoot, String releaseId, String wheelhouseId) {
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "rel=\"$1/releases/$2\"",
                "if [ ! -d \"$rel\" ]; then echo \"release $2 is not unpacked in $rel\" >&2; exit 1; fi",
                "if [ ! -e \"$1/venvs/$3\" ]; then echo \"virtualenv $3 is not built in $1/venvs\" >&2; exit 1; fi",
                "ln -sfn \"../../venvs/$3\" \"$rel/venv.tmp\"",
                "mv -T \"$rel/venv.tmp\" \"$rel/venv\""),
                checkRoot(appRoot), checkId(releaseId, 'r'), checkId(wheelhouseId, 'w'));
    }

    /**
     * Points the symbolic link {@code linkName} at {@code target} (both relative to the app root;
     * the link holds a relative path) by renaming a new link over the old one, so a reader sees
     * either the old or the new target, never none. Fails when the target does not exist.
     */
    public RemoteCommand switchCurrent(String appRoot, String linkName, String target) {
        checkRelative(linkName);
        checkRelative(target);
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "link=\"$1/$2\"",
                "if [ ! -d \"$1/$4\" ]; then echo \"$4 does not exist in $1\" >&2; exit 1; fi",
                "mkdir -p \"$(dirname \"$link\")\"",
                "ln -sfn \"$3\" \"$link.tmp\"",
                "mv -T \"$link.tmp\" \"$link\""),
                checkRoot(appRoot), linkName, ReleaseSet.linkText(linkName, target), target);
    }

    /**
     * Makes release {@code id} the current one of {@code set}: the old current target becomes
     * {@code previous} (kept for rollback and never pruned), the release's mtime is refreshed (so
     * a rolled-back-to release counts as recent), then {@code current} is switched atomically.
     */
    public RemoteCommand activate(String appRoot, ReleaseSet set, String id) {
        checkId(id, set.kind());
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "root=$1; target=\"$1/$2/$3\"; current=\"$1/$4\"; previous=\"$1/$5\"; text=$6",
                "if [ ! -d \"$target\" ]; then echo \"release $3 is not unpacked in $1/$2\" >&2; exit 1; fi",
                "old=$(readlink \"$current\" 2>/dev/null || true)",
                "if [ -n \"$old\" ] && [ \"$old\" != \"$text\" ]; then",
                "  ln -sfn \"$old\" \"$previous.tmp\"",
                "  mv -T \"$previous.tmp\" \"$previous\"",
                "fi",
                "touch \"$target\"",
                "mkdir -p \"$(dirname \"$current\")\"",
                "ln -sfn \"$text\" \"$current.tmp\"",
                "mv -T \"$current.tmp\" \"$current\""),
                checkRoot(appRoot), set.releasesDir(), id, set.currentLink(), set.previousLink(), set.linkText(id));
    }

    /**
     * Lists the backend releases kept on the host, for {@code releases} and {@code deploy --rollback}:
     * lines {@code current ID} and {@code previous ID} ({@code none} when missing), then per release
     * {@code release ID MTIME} (when it was unpacked or last activated, epoch seconds) followed by
     * {@code file ID PATH} for each file of its backend that could be a schema migration (the exact
     * rule is {@link io.tierlift.release.SchemaMigrations}'s, applied to these paths). Reads only.
     */
    public RemoteCommand list(String appRoot) {
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "root=$1",
                "echo \"current $(basename \"$(readlink \"$root/current\" 2>/dev/null || echo none)\")\"",
                "echo \"previous $(basename \"$(readlink \"$root/previous\" 2>/dev/null || echo none)\")\"",
                "[ -d \"$root/releases\" ] || exit 0",
                "for dir in \"$root\"/releases/*; do",
                "  id=$(basename \"$dir\")",
                "  case \"$id\" in " + idPattern('r') + ") ;; *) continue ;; esac",
                "  [ -d \"$dir\" ] || continue",
                "  echo \"release $id $(stat -c %Y \"$dir\")\"",
                "  [ -d \"$dir/backend\" ] || continue",
                "  (cd \"$dir/backend\" && find . -type f \\( -path '*/migrations/*' -o -path '*/versions/*' -o -name env.py \\) "
                        + "\\( -name '*.sql' -o -name '*.py' \\) -print) | sed \"s|^\\./|file $id |\"",
                "done"), checkRoot(appRoot));
    }

    /**
     * Removes releases of {@code set} beyond the {@code keep} most recent (by mtime: when each was
     * unpacked or last activated); the targets of {@code current} and {@code previous} are never
     * removed. Prints one "removed ID" line per removed release.
     */
    public RemoteCommand prune(String appRoot, ReleaseSet set, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one release, not " + keep);
        }
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "dir=\"$1/$2\"; keep=$5",
                "[ -d \"$dir\" ] || exit 0",
                "cur=$(basename \"$(readlink \"$1/$3\" 2>/dev/null || echo none)\")",
                "prev=$(basename \"$(readlink \"$1/$4\" 2>/dev/null || echo none)\")",
                "n=0",
                "ls -1t \"$dir\" | while IFS= read -r name; do",
                // Only whole releases are considered: *.partial (an unpack in progress) and strays are left alone.
                "  case \"$name\" in " + idPattern(set.kind()) + ") ;; *) continue ;; esac",
                "  n=$((n+1))",
                "  if [ \"$n\" -le \"$keep\" ] || [ \"$name\" = \"$cur\" ] || [ \"$name\" = \"$prev\" ]; then continue; fi",
                "  rm -rf \"${dir:?}/$name\"",
                "  echo \"removed $name\"",
                "done"),
                checkRoot(appRoot), set.releasesDir(), set.currentLink(), set.previousLink(), Integer.toString(keep));
    }

    /**
     * Removes virtualenvs and wheelhouses that no remaining backend release links to (run after
     * {@link #prune}). Prints one "removed AREA/NAME" line each.
     */
    public RemoteCommand pruneUnusedVenvs(String appRoot) {
        return RemoteCommand.script(String.join("\n",
                "set -eu",
                "root=$1; used=' '",
                "for link in \"$root\"/releases/*/venv; do",
                "  [ -L \"$link\" ] || continue",
                "  used=\"$used$(basename \"$(readlink \"$link\")\") \"",
                "done",
                "for area in venvs wheelhouses; do",
                "  [ -d \"$root/$area\" ] || continue",
                "  ls -1 \"$root/$area\" | while IFS= read -r name; do",
                "    id=${name%.tree}",
                "    case \"$id\" in " + idPattern('w') + ") ;; *) continue ;; esac",
                "    case \"$used\" in *\" $id \"*) continue ;; esac",
                "    rm -rf \"${root:?}/$area/$name\"",
                "    echo \"removed $area/$name\"",
                "  done",
                "done"), checkRoot(appRoot));
    }

    // A shell case pattern matching exactly one id of the kind (no regex in POSIX case).
    private static String idPattern(char kind) {
        return kind + "-" + HEX12;
    }

    private static String checkRoot(String appRoot) {
        if (!APP_ROOT.matcher(appRoot).matches()) {
            throw new IllegalArgumentException("app root must be an absolute path without '..' or a trailing '/', not the root folder: " + appRoot);
        }
        return appRoot;
    }

    private static String checkId(String id, char kind) {
        if (!id.matches(kind + "-[0-9a-f]{12}")) {
            throw new IllegalArgumentException("not a '" + kind + "-' release id (" + kind + "- and 12 hex digits): " + id);
        }
        return id;
    }

    private static void checkRelative(String path) {
        if (!ReleaseSet.isRelative(path)) {
            throw new IllegalArgumentException("not a path relative to the app root without '..': " + path);
        }
    }
}
