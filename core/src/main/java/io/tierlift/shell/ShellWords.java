package io.tierlift.shell;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one quoting rule for commands a POSIX shell reads on another machine (over SSH on-prem, in an
 * SSM Run Command script on AWS): every word single-quoted unless it is made only of characters a
 * shell never treats specially, so an argument is always passed as one word, literally.
 */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWords() {
    }

    /** POSIX single-quote quoting: everything literal, a ' written as '\''. */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("command arguments cannot contain NUL");
        }
        if (!value.isEmpty() && SAFE.matcher(value).matches()) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** {@code argv} as one shell command line, each word quoted. */
    public static String join(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        StringBuilder out = new StringBuilder();
        for (String word : argv) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(quote(word));
        }
        return out.toString();
    }
}
