package io.tierlift.audit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A reader of nginx's configuration syntax, enough to reason about what a file asks nginx to do:
 * words and quoted strings, {@code ;} ends a statement, {@code {}} delimit blocks, {@code #}
 * starts a comment. It does not follow includes; callers look at all files of a host.
 */
public final class NginxSyntax {
    /** The file cannot be read as nginx syntax (unbalanced braces, an unterminated string...). */
    public static final class MalformedException extends RuntimeException {
        public MalformedException(String message) {
            super(message);
        }
    }

    public List<NginxDirective> parse(String text) {
        List<NginxDirective> result = new ArrayList<>();
        Deque<String> blocks = new ArrayDeque<>();
        List<String> words = new ArrayList<>();
        int line = 1;
        int statementLine = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' ) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ';') {
                if (words.isEmpty()) {
                    throw new MalformedException("line " + line + ": empty statement");
                }
                result.add(directive(words, statementLine, false, blocks));
                words.clear();
                i++;
            } else if (c == '{') {
                if (words.isEmpty()) {
                    throw new MalformedException("line " + line + ": block without a name");
                }
                result.add(directive(words, statementLine, true, blocks));
                blocks.addLast(words.get(0));
                words.clear();
                i++;
            } else if (c == '}') {
                if (!words.isEmpty() || blocks.isEmpty()) {
                    throw new MalformedException("line " + line + ": unexpected }");
                }
                blocks.removeLast();
                i++;
            } else {
                if (words.isEmpty()) {
                    statementLine = line;
                }
                StringBuilder word = new StringBuilder();
                if (c == '"' || c == '\'') {
                    int start = line;
                    i++;
                    while (true) {
                        if (i >= text.length()) {
                            throw new MalformedException("line " + start + ": unterminated string");
                        }
                        char q = text.charAt(i);
                        if (q == '\\' && i + 1 < text.length()) {
                            word.append(text.charAt(i + 1));
                            i += 2;
                            continue;
                        }
                        if (q == '\n') {
                            line++;
                        }
                        i++;
                        if (q == c) {
                            break;
                        }
                        word.append(q);
                    }
                } else {
                    while (i < text.length()) {
                        char w = text.charAt(i);
                        if (Character.isWhitespace(w) || w == ';' || w == '{' || w == '}') {
                            break;
                        }
                        if (w == '\\' && i + 1 < text.length()) {
                            word.append(w).append(text.charAt(i + 1));
                            i += 2;
                            continue;
                        }
                        word.append(w);
                        i++;
                    }
                }
                words.add(word.toString());
            }
        }
        if (!words.isEmpty()) {
            throw new MalformedException("line " + line + ": statement without ;");
        }
        if (!blocks.isEmpty()) {
            throw new MalformedException("end of file inside a '" + blocks.peekLast() + "' block");
        }
        return result;
    }

    private static NginxDirective directive(List<String> words, int line, boolean block, Deque<String> blocks) {
        return new NginxDirective(words.get(0), words.subList(1, words.size()), line, block, new ArrayList<>(blocks));
    }
}
