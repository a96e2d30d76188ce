package io.tierlift.sandbox;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Debian mirrors this machine's apt is configured with, read at run time: the machines' packages come from the
 * same place (through the sandbox's package cache), so the sandbox works wherever apt on the machine works.
 *
 * @param archive  the main archive, e.g. {@code http://deb.debian.org/debian}
 * @param security the security archive when configured, e.g. {@code http://deb.debian.org/debian-security}
 */
record DebianMirrors(URI archive, Optional<URI> security) {

    /** Reads {@code sources.list.d/*.sources} (deb822) and {@code sources.list} (one-line) below {@code aptDir}. */
    static DebianMirrors read(Path aptDir) {
        List<String[]> entries = new ArrayList<>(); // {uri, suite}
        Path sourcesDir = aptDir.resolve("sources.list.d");
        try {
            if (Files.isDirectory(sourcesDir)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(sourcesDir, "*.sources")) {
                    for (Path file : files) {
                        entries.addAll(deb822Entries(Files.readString(file, StandardCharsets.UTF_8)));
                    }
                }
            }
            Path list = aptDir.resolve("sources.list");
            if (Files.isRegularFile(list)) {
                entries.addAll(oneLineEntries(Files.readString(list, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read this machine's apt sources in " + aptDir + ": " + e.getMessage(), e);
        }
        return fromEntries(entries, aptDir);
    }

    static DebianMirrors fromEntries(List<String[]> entries, Path where) {
        Optional<URI> archive = Optional.empty();
        Optional<URI> security = Optional.empty();
        for (String[] entry : entries) {
            URI uri = URI.create(entry[0].replaceAll("/+$", ""));
            if (!"http".equals(uri.getScheme())) {
                continue; // apt-cacher-ng only relays plain http; https and file mirrors cannot be cached
            }
            if (entry[1].endsWith("-security")) {
                security = security.or(() -> Optional.of(uri));
            } else if (!entry[1].contains("-")) {
                archive = archive.or(() -> Optional.of(uri));
            }
        }
        return new DebianMirrors(archive.orElseThrow(() -> new SandboxException("no http Debian mirror for a release"
                + " suite (e.g. bookworm) in " + where + "/sources.list.d/*.sources or " + where + "/sources.list;"
                + " the machine sandbox fetches its packages from that mirror")), security);
    }

    /** {@code Types: deb}, {@code URIs:} and {@code Suites:} of each paragraph. */
    static List<String[]> deb822Entries(String text) {
        List<String[]> entries = new ArrayList<>();
        for (String paragraph : text.split("\n\\s*\n")) {
            String types = field(paragraph, "Types");
            if (!List.of(types.split("\\s+")).contains("deb")) {
                continue;
            }
            for (String uri : field(paragraph, "URIs").split("\\s+")) {
                for (String suite : field(paragraph, "Suites").split("\\s+")) {
                    if (!uri.isEmpty() && !suite.isEmpty()) {
                        entries.add(new String[] {uri, suite});
                    }
                }
            }
        }
        return entries;
    }

    /** {@code deb [options] URI SUITE COMPONENTS...} lines. */
    static List<String[]> oneLineEntries(String text) {
        List<String[]> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String withoutOptions = line.strip().replaceFirst("^deb\\s+\\[[^]]*]", "deb");
            String[] f = withoutOptions.split("\\s+");
            if (f.length >= 3 && f[0].equals("deb")) {
                entries.add(new String[] {f[1], f[2]});
            }
        }
        return entries;
    }

    private static String field(String paragraph, String name) {
        for (String line : paragraph.split("\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return "";
    }

    /** How the cache and the machines name a mirror: host and path, e.g. {@code deb.debian.org/debian}. */
    static String hostAndPath(URI mirror) {
        return mirror.getAuthority() + (mirror.getPath() == null ? "" : mirror.getPath());
    }
}
