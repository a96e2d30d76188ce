package io.tierlift.onprem.release;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads a ustar tar.gz back for assertions (names with prefix, modes, contents). */
final class TarContents {
    record Entry(String name, int mode, boolean directory, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    static List<Entry> read(byte[] tarGz) {
        byte[] tar;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            tar = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> entries = new ArrayList<>();
        int at = 0;
        while (at + 512 <= tar.length && tar[at] != 0) {
            String name = field(tar, at, 100);
            String prefix = field(tar, at + 345, 155);
            int mode = Integer.parseInt(field(tar, at + 100, 8), 8);
            int size = Integer.parseInt(field(tar, at + 124, 12), 8);
            boolean directory = tar[at + 156] == '5';
            byte[] content = Arrays.copyOfRange(tar, at + 512, at + 512 + size);
            String full = prefix.isEmpty() ? name : prefix + "/" + name;
            // Directories are stored as "name/"; compared here without the slash.
            entries.add(new Entry(directory ? full.substring(0, full.length() - 1) : full, mode, directory, content));
            at += 512 + (size + 511) / 512 * 512;
        }
        return entries;
    }

    static List<String> names(byte[] tarGz) {
        return read(tarGz).stream().map(Entry::name).toList();
    }

    static Entry entry(byte[] tarGz, String name) {
        return read(tarGz).stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + name + " in " + names(tarGz)));
    }

    private static String field(byte[] tar, int start, int length) {
        int end = start;
        while (end < start + length && tar[end] != 0) {
            end++;
        }
        return new String(tar, start, end - start, StandardCharsets.UTF_8).trim();
    }

    private TarContents() {
    }
}
