package io.tierlift.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The patterns of one {@code .gitignore}-style file, matched as Git matches them: the last pattern
 * that matches decides, {@code !} re-includes, a trailing {@code /} matches folders only, a pattern
 * with a {@code /} before its end is anchored to the file's folder, otherwise it matches a name at
 * any depth; {@code *}, {@code ?}, {@code [...]} and {@code **} as in Git.
 */
public final class IgnoreFile {
    private record Rule(String text, Pattern pattern, boolean negated, boolean foldersOnly) {
    }

    private final String name;
    private final List<Rule> rules;

    private IgnoreFile(String name, List<Rule> rules) {
        this.name = name;
        this.rules = List.copyOf(rules);
    }

    /** {@code name} says where the patterns come from, in the reasons given for what is left out. */
    public static IgnoreFile parse(String name, String text) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = stripTrailingSpaces(raw);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean negated = line.startsWith("!");
            if (negated || line.startsWith("\\!") || line.startsWith("\\#")) {
                line = line.substring(1);
            }
            boolean foldersOnly = line.endsWith("/");
            if (foldersOnly) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                continue;
            }
            boolean anchored = line.contains("/");
            if (line.startsWith("/")) {
                line = line.substring(1);
            }
            String regex = (anchored ? "" : "(?:.*/)?") + globToRegex(line);
            rules.add(new Rule(raw.strip(), Pattern.compile(regex), negated, foldersOnly));
        }
        return new IgnoreFile(name, rules);
    }

    /** Why {@code path} ('/'-separated, relative to this file's folder) is ignored, or empty when it is not. */
    public Optional<String> ignores(String path, boolean folder) {
        return decides(path, folder).filter(Verdict::ignored).map(Verdict::why);
    }

    /**
     * What this file's last matching pattern says of {@code path}, or empty when none matches: a
     * re-including {@code !} pattern is a verdict too, so a deeper file can take back what a
     * shallower one ignores, as in Git.
     */
    public Optional<Verdict> decides(String path, boolean folder) {
        Optional<Verdict> verdict = Optional.empty();
        for (Rule rule : rules) {
            if (rule.foldersOnly() && !folder) {
                continue;
            }
            if (rule.pattern().matcher(path).matches()) {
                verdict = Optional.of(new Verdict(!rule.negated(), name + ": " + rule.text()));
            }
        }
        return verdict;
    }

    /** Ignored or re-included, and the file and pattern that said so. */
    public record Verdict(boolean ignored, String why) {
    }

    private static String globToRegex(String glob) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (glob.startsWith("**/", i)) {
                out.append("(?:.*/)?");
                i += 3;
            } else if (glob.startsWith("/**", i) && i + 3 == glob.length()) {
                out.append("/.*");
                i += 3;
            } else if (glob.startsWith("**", i)) {
                out.append(".*");
                i += 2;
            } else if (c == '*') {
                out.append("[^/]*");
                i++;
            } else if (c == '?') {
                out.append("[^/]");
                i++;
            } else if (c == '[') {
                int end = glob.indexOf(']', i + 2);
                if (end < 0) {
                    out.append("\\[");
                    i++;
                } else {
                    String set = glob.substring(i + 1, end).replace("\\", "\\\\");
                    out.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
                    i = end + 1;
                }
            } else if (c == '\\' && i + 1 < glob.length()) {
                out.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
                i += 2;
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return out.toString();
    }

    /** Git drops trailing spaces unless escaped with a backslash. */
    private static String stripTrailingSpaces(String line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ' && !(end > 1 && line.charAt(end - 2) == '\\')) {
            end--;
        }
        return line.substring(0, end);
    }
}
