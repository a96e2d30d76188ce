package io.tierlift.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code [project].dependencies} array of a {@code pyproject.toml} (PEP 621), read by a small
 * strict reader rather than a TOML library: only that one array is needed, and anything in it
 * that is not a plain list of quoted strings (basic {@code "..."} or literal {@code '...'}, with
 * commas, comments and line breaks between them) is refused with its line instead of guessed at.
 * The rest of the file is not interpreted beyond finding table headers, so other TOML in it is
 * never a reason to refuse.
 */
public final class PyprojectDependencies {
    /** A pyproject.toml whose dependencies can't be read: {@code line} is 1-based, 0 when the whole file is meant. */
    public static final class Problem extends ReleaseException {
        private final int line;

        Problem(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /** The dependencies and the line of the {@code dependencies} key. */
    public record Found(List<String> requirements, int line) {
    }

    private final String text;
    private int at;

    private PyprojectDependencies(String text) {
        this.text = text;
    }

    /** The requirement strings of {@code [project].dependencies}, in file order. */
    public static Found read(String text) {
        return new PyprojectDependencies(text).dependencies();
    }

    private Found dependencies() {
        String[] lines = text.split("\n", -1);
        boolean inProject = false;
        int offset = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("[")) {
                inProject = line.replaceFirst("\\s*#.*$", "").equals("[project]");
            } else if (inProject && line.matches("dependencies\\s*=.*")) {
                at = offset + lines[i].indexOf('=') + 1;
                return new Found(array(i + 1), i + 1);
            } else if (inProject && line.matches("dynamic\\s*=.*\"dependencies\".*")) {
                throw new Problem(i + 1, "[project] declares its dependencies dynamic (set by the build backend); list them in "
                        + "[project].dependencies or in a requirements file");
            }
            offset += lines[i].length() + 1;
        }
        throw new Problem(0, "has no [project].dependencies array; list the app's dependencies there (PEP 621) or name a "
                + "requirements file");
    }

    private List<String> array(int keyLine) {
        skipBlanks();
        if (peek() != '[') {
            throw new Problem(lineAt(), "[project].dependencies is not an array of strings");
        }
        at++;
        List<String> items = new ArrayList<>();
        while (true) {
            skipBlanks();
            char c = peek();
            if (c == ']') {
                at++;
                return items;
            }
            if (c == '"' || c == '\'') {
                items.add(string(c));
            } else {
                throw new Problem(lineAt(), "[project].dependencies (line " + keyLine + ") holds something other than a quoted string");
            }
            skipBlanks();
            if (peek() == ',') {
                at++;
            } else if (peek() != ']') {
                throw new Problem(lineAt(), "[project].dependencies: expected ',' or ']' after a requirement");
            }
        }
    }

    private String string(char quote) {
        int line = lineAt();
        at++;
        StringBuilder value = new StringBuilder();
        while (at < text.length() && text.charAt(at) != quote) {
            char c = text.charAt(at);
            if (c == '\n') {
                break;
            }
            if (c == '\\' && quote == '"') {
                Optional<Character> escaped = at + 1 < text.length() ? escape(text.charAt(at + 1)) : Optional.empty();
                if (escaped.isEmpty()) {
                    throw new Problem(line, "[project].dependencies: an escape this reader does not accept; write the requirement plainly");
                }
                value.append(escaped.get());
                at += 2;
                continue;
            }
            value.append(c);
            at++;
        }
        if (at >= text.length() || text.charAt(at) != quote) {
            throw new Problem(line, "[project].dependencies: a string that does not end on its line");
        }
        at++;
        String requirement = value.toString().strip();
        if (requirement.isEmpty()) {
            throw new Problem(line, "[project].dependencies: an empty requirement");
        }
        return requirement;
    }

    private static Optional<Character> escape(char c) {
        return switch (c) {
            case '"' -> Optional.of('"');
            case '\\' -> Optional.of('\\');
            default -> Optional.empty();
        };
    }

    /** Whitespace, line breaks and comments. */
    private void skipBlanks() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else if (Character.isWhitespace(c)) {
                at++;
            } else {
                return;
            }
        }
    }

    private char peek() {
        if (at >= text.length()) {
            throw new Problem(lineAt(), "[project].dependencies: the array does not end");
        }
        return text.charAt(at);
    }

    private int lineAt() {
        int line = 1;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
