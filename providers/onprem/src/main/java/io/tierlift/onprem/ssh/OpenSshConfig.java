package io.tierlift.onprem.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The part of an OpenSSH client config (ssh_config(5)) tierlift honours. Like OpenSSH it reads
 * the file top to bottom, a directive applies when every {@code Host} (or {@code Match all})
 * block around it matches the name given, and the first value found wins, except
 * {@code IdentityFile}, which accumulates. {@code Include} is followed (globs, paths relative to
 * {@code ~/.ssh}); {@code Match} lines other than {@code Match all} never match, so their
 * directives are ignored rather than misapplied.
 */
public final class OpenSshConfig {
    /** Keywords whose every occurrence counts, in order (OpenSSH: IdentityFile, CertificateFile). */
    private static final Set<String> ACCUMULATING = Set.of("identityfile", "certificatefile");
    private static final int MAX_INCLUDE_DEPTH = 16;

    private final List<Directive> directives;

    private OpenSshConfig(List<Directive> directives) {
        this.directives = List.copyOf(directives);
    }

    public static OpenSshConfig empty() {
        return new OpenSshConfig(List.of());
    }

    /** Parses text; {@code Include} paths are resolved against {@code includeBase} (OpenSSH: ~/.ssh). */
    public static OpenSshConfig parse(String text, String sourceName, Path includeBase) {
        List<Directive> out = new ArrayList<>();
        new Reader(includeBase, out).read(text, sourceName, List.of(), 0);
        return new OpenSshConfig(out);
    }

    public static OpenSshConfig load(Path file, Path includeBase) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), includeBase);
        } catch (IOException e) {
            throw new SshConfigException("cannot read OpenSSH config " + file + ": " + e.getMessage());
        }
    }

    /** The options that apply to {@code host} (the name as given, before HostName). */
    public HostOptions lookup(String host) {
        HostOptions.Builder options = new HostOptions.Builder();
        for (Directive directive : directives) {
            if (!directive.appliesTo(host)) {
                continue;
            }
            if (ACCUMULATING.contains(directive.keyword())) {
                options.add(directive);
            } else {
                options.setIfAbsent(directive);
            }
        }
        return options.build();
    }

    /** One {@code Keyword args...} line and the blocks it sits in. */
    record Directive(String keyword, List<String> args, List<Block> blocks, String source) {
        boolean appliesTo(String host) {
            for (Block block : blocks) {
                if (!block.matches(host)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A {@code Host} line (patterns) or a {@code Match} line. */
    record Block(List<String> patterns, boolean matchAll, boolean unsupportedMatch) {
        static Block host(List<String> patterns) {
            return new Block(List.copyOf(patterns), false, false);
        }

        boolean matches(String host) {
            if (matchAll) {
                return true;
            }
            if (unsupportedMatch) {
                return false;
            }
            return HostPatterns.matchesHostLine(host, patterns);
        }
    }

    private static final class Reader {
        private final Path includeBase;
        private final List<Directive> out;

        Reader(Path includeBase, List<Directive> out) {
            this.includeBase = includeBase;
            this.out = out;
        }

        /**
         * Reads one file. {@code outer} holds the blocks around an Include: an included file's
         * own Host lines replace each other, but all of them sit inside the including block.
         */
        void read(String text, String sourceName, List<Block> outer, int depth) {
            List<Block> current = outer;
            String[] lines = text.split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String source = sourceName + ":" + (i + 1);
                List<String> tokens = tokenize(lines[i], source);
                if (tokens.isEmpty()) {
                    continue;
                }
                String keyword = tokens.get(0).toLowerCase(Locale.ROOT);
                List<String> args = tokens.subList(1, tokens.size());
                switch (keyword) {
                    case "host" -> {
                        if (args.isEmpty()) {
                            throw new SshConfigException(source + ": Host needs at least one pattern");
                        }
                        current = append(outer, Block.host(args));
                    }
                    case "match" -> current = append(outer, match(args, source));
                    case "include" -> include(args, current, depth, source);
                    default -> {
                        if (args.isEmpty()) {
                            throw new SshConfigException(source + ": " + tokens.get(0) + " needs a value");
                        }
                        out.add(new Directive(keyword, List.copyOf(args), current, source));
                    }
                }
            }
        }

        private static List<Block> append(List<Block> outer, Block block) {
            List<Block> blocks = new ArrayList<>(outer);
            blocks.add(block);
            return List.copyOf(blocks);
        }

        private static Block match(List<String> args, String source) {
            if (args.isEmpty()) {
                throw new SshConfigException(source + ": Match needs a criterion");
            }
            boolean all = args.size() == 1 && args.get(0).equalsIgnoreCase("all");
            return new Block(List.of(), all, !all);
        }

        private void include(List<String> args, List<Block> blocks, int depth, String source) {
            if (depth >= MAX_INCLUDE_DEPTH) {
                throw new SshConfigException(source + ": Include nested too deeply (a loop?)");
            }
            for (String arg : args) {
                Path pattern = expandHome(arg);
                if (!pattern.isAbsolute()) {
                    pattern = includeBase.resolve(pattern);
                }
                for (Path file : glob(pattern)) {
                    String text;
                    try {
                        text = Files.readString(file, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new SshConfigException(source + ": cannot read included " + file + ": " + e.getMessage());
                    }
                    read(text, file.toString(), blocks, depth + 1);
                }
            }
        }

        private Path expandHome(String path) {
            if (path.equals("~") || path.startsWith("~/")) {
                // includeBase is ~/.ssh for user configs
                Path home = includeBase.getParent() == null ? includeBase : includeBase.getParent();
                return path.length() == 1 ? home : home.resolve(path.substring(2));
            }
            return Path.of(path);
        }

        /** Files matching a glob in its last path element, sorted as OpenSSH's glob(3) does. */
        private static List<Path> glob(Path pattern) {
            String name = pattern.getFileName() == null ? "" : pattern.getFileName().toString();
            if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
                return Files.isRegularFile(pattern) ? List.of(pattern) : List.of();
            }
            Path dir = pattern.getParent();
            List<Path> found = new ArrayList<>();
            if (dir == null || !Files.isDirectory(dir)) {
                return found;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, name)) {
                for (Path entry : entries) {
                    if (Files.isRegularFile(entry)) {
                        found.add(entry);
                    }
                }
            } catch (IOException e) {
                throw new SshConfigException("cannot list " + dir + ": " + e.getMessage());
            }
            found.sort(null);
            return found;
        }
    }

    /**
     * Splits a config line like OpenSSH: {@code Keyword value}, {@code Keyword=value}, double or
     * single quotes group words, an unquoted word starting with {@code #} ends the line.
     */
    static List<String> tokenize(String line, String source) {
        List<String> tokens = new ArrayList<>();
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return tokens;
        }
        int i = 0;
        // keyword: up to whitespace or '='
        int start = i;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '=') {
            i++;
        }
        tokens.add(s.substring(start, i));
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && s.charAt(i) == '=') {
            i++;
        }
        StringBuilder word = null;
        char quote = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == quote || s.charAt(i + 1) == '\\')) {
                    word.append(s.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    tokens.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                if (word == null) {
                    word = new StringBuilder();
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '\\' && i + 1 < s.length()) {
                    word.append(s.charAt(++i));
                } else {
                    word.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new SshConfigException(source + ": unterminated quote");
        }
        if (word != null) {
            tokens.add(word.toString());
        }
        return tokens;
    }
}
