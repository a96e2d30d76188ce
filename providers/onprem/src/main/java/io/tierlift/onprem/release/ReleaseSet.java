package io.tierlift.onprem.release;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where one kind of release lives under the app root: the folder of unpacked releases, the
 * {@code current} link that serves traffic and the {@code previous} link kept for rollback and
 * pruning. Both links sit in the same folder, so a link's text can be copied from one to the other.
 *
 * @param releasesDir relative to the app root, e.g. {@code releases}
 * @param currentLink relative to the app root, e.g. {@code current}
 * @param previousLink relative to the app root, e.g. {@code previous}
 * @param kind        the id letter of these releases ('r' backend, 's' static)
 */
public record ReleaseSet(String releasesDir, String currentLink, String previousLink, char kind) {
    // Declared before the constants below, whose construction uses it.
    private static final Pattern RELATIVE = Pattern.compile("^(?!/)(?!.*(^|/)\\.{1,2}(/|$))[A-Za-z0-9._/@+-]{1,200}(?<!/)$");

    public static final ReleaseSet BACKEND = new ReleaseSet("releases", "current", "previous", 'r');
    public static final ReleaseSet STATIC = new ReleaseSet("static/releases", "static/current", "static/previous", 's');

    public ReleaseSet {
        for (String path : new String[] {releasesDir, currentLink, previousLink}) {
            if (!RELATIVE.matcher(path).matches()) {
                throw new IllegalArgumentException("not a relative path without '..': " + path);
            }
        }
        if (!String.valueOf(parentOf(currentLink)).equals(String.valueOf(parentOf(previousLink)))) {
            throw new IllegalArgumentException("current and previous links must be in the same folder");
        }
    }

    static boolean isRelative(String path) {
        return RELATIVE.matcher(path).matches();
    }

    private static Path parentOf(String path) {
        return Path.of(path).getParent();
    }

    /** What {@code currentLink} holds to point at release {@code id}: a path relative to the link's folder. */
    public String linkText(String id) {
        return linkText(currentLink, releasesDir + "/" + id);
    }

    /** The text of a relative symbolic link at {@code link} pointing at {@code target} (both relative to the root). */
    static String linkText(String link, String target) {
        Path parent = Path.of(link).getParent();
        Path to = Path.of(target);
        return (parent == null ? to : parent.relativize(to)).toString();
    }
}
