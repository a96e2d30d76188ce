package io.tierlift.onprem.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Placing files atomically: the new content is written next to the target
 * ({@code PATH.tierlift-new}), the old one kept ({@code PATH.tierlift-prev}) until the service
 * has accepted the new config, then the swap is a rename. A reader never sees half a file, and a
 * deploy killed at any point leaves every file either old or new.
 */
public final class FileCommands {
    public static final String NEW_SUFFIX = ".tierlift-new";
    public static final String PREVIOUS_SUFFIX = ".tierlift-prev";

    /** Content on stdin. */
    public RemoteCommand stage(String path, String owner, String group, int mode) {
        return RemoteCommand.script(String.join("\n",
                "set -e",
                "p=$1; t=\"$1" + NEW_SUFFIX + "\"",
                "mkdir -p \"$(dirname \"$p\")\"",
                "umask 077",
                "cat > \"$t\"",
                "chown \"$2:$3\" \"$t\"",
                "chmod \"$4\" \"$t\""), path, owner, group, Integer.toOctalString(mode));
    }

    /** Swaps staged files in, keeping the previous versions. */
    public RemoteCommand activate(List<String> paths) {
        return forEach(String.join("\n",
                "for p; do",
                "  if [ -f \"$p\" ]; then cp -p \"$p\" \"$p" + PREVIOUS_SUFFIX + "\"; fi",
                "  mv -f \"$p" + NEW_SUFFIX + "\" \"$p\"",
                "done"), paths);
    }

    /** Puts the previous versions back; files that did not exist before are removed. */
    public RemoteCommand restore(List<String> existedBefore, List<String> createdNow) {
        List<String> parameters = new ArrayList<>(existedBefore);
        parameters.add("--");
        parameters.addAll(createdNow);
        return forEach(String.join("\n",
                "created=no",
                "for p; do",
                "  if [ \"$p\" = -- ]; then created=yes; continue; fi",
                "  if [ $created = yes ]; then rm -f \"$p\"; else mv -f \"$p" + PREVIOUS_SUFFIX + "\" \"$p\"; fi",
                "done"), parameters);
    }

    /** Drops the kept previous versions once the new config is live. */
    public RemoteCommand commit(List<String> paths) {
        return forEach("for p; do rm -f \"$p" + PREVIOUS_SUFFIX + "\" \"$p" + NEW_SUFFIX + "\"; done", paths);
    }

    /** Removes leftovers of an interrupted deploy (staged or kept copies; the live files are whole). */
    public RemoteCommand removeLeftovers(List<String> leftovers) {
        return forEach("for p; do case \"$p\" in *" + NEW_SUFFIX + "|*" + PREVIOUS_SUFFIX + ") rm -f \"$p\";; esac; done", leftovers);
    }

    public RemoteCommand read(String path) {
        return RemoteCommand.of("cat", "--", path);
    }

    private static RemoteCommand forEach(String script, List<String> parameters) {
        return RemoteCommand.script(script, parameters.toArray(String[]::new));
    }
}
