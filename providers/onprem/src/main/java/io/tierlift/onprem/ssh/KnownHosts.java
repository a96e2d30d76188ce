package io.tierlift.onprem.ssh;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * OpenSSH known_hosts files, read by tierlift itself so a refusal can name the file and line:
 * plain and hashed ({@code |1|salt|hash}) names, comma lists with wildcards and negation,
 * {@code [host]:port} names, {@code @revoked} keys. {@code @cert-authority} lines are not
 * supported and never vouch for a key. New keys are appended to the first file.
 */
public final class KnownHosts {
    private final List<Path> files;
    private List<Entry> entries;

    public KnownHosts(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no known_hosts file");
        }
        this.files = List.copyOf(files);
    }

    public List<Path> files() {
        return files;
    }

    /** One key line; {@code line} counts from 1 in {@code file}. */
    public record Entry(Path file, int line, String marker, String names, String keyType, byte[] key) {
        boolean matches(String hostName) {
            if (names.startsWith("|1|")) {
                return hashedMatch(names, hostName);
            }
            return HostPatterns.matchesList(hostName, names);
        }

        public String where() {
            return file + " line " + line;
        }
    }

    public sealed interface Verdict permits Known, Unknown, Changed, Revoked {
    }

    public record Known(Entry entry) implements Verdict {
    }

    /** No key of this type for the host; {@code otherTypes} are entries of other key types. */
    public record Unknown(List<Entry> otherTypes) implements Verdict {
    }

    /** The host has a different key of the same type: someone may be in the middle. */
    public record Changed(List<Entry> known) implements Verdict {
    }

    public record Revoked(Entry entry) implements Verdict {
    }

    /**
     * Checks a host key. {@code hostName} is what OpenSSH looks up: the host name, or
     * {@code [host]:port} when the port is not 22.
     */
    public synchronized Verdict check(String hostName, byte[] key) {
        String type = keyType(key);
        List<Entry> sameType = new ArrayList<>();
        List<Entry> otherTypes = new ArrayList<>();
        Entry match = null;
        for (Entry entry : entries()) {
            if (entry.marker().equals("@cert-authority") || !entry.matches(hostName)) {
                continue;
            }
            boolean sameKey = Arrays.equals(entry.key(), key);
            if (entry.marker().equals("@revoked")) {
                if (sameKey) {
                    return new Revoked(entry);
                }
                continue;
            }
            if (sameKey && match == null) {
                match = entry;
            } else if (entry.keyType().equals(type)) {
                sameType.add(entry);
            } else {
                otherTypes.add(entry);
            }
        }
        if (match != null) {
            return new Known(match);
        }
        if (!sameType.isEmpty()) {
            return new Changed(List.copyOf(sameType));
        }
        return new Unknown(List.copyOf(otherTypes));
    }

    /** Plain key entries for a host, for preferring the key types already known. */
    public synchronized List<Entry> entriesFor(String hostName) {
        List<Entry> found = new ArrayList<>();
        for (Entry entry : entries()) {
            if (entry.marker().isEmpty() && entry.matches(hostName)) {
                found.add(entry);
            }
        }
        return found;
    }

    /** Appends {@code hostName type base64} to the first file, as OpenSSH's accept-new does. */
    public synchronized Entry add(String hostName, byte[] key) throws IOException {
        Path file = files.get(0);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        String line = hostName + " " + keyType(key) + " " + Base64.getEncoder().encodeToString(key) + "\n";
        int lineNumber = 1;
        if (Files.exists(file)) {
            byte[] existing = Files.readAllBytes(file);
            boolean endsWithNewline = existing.length == 0 || existing[existing.length - 1] == '\n';
            if (!endsWithNewline) {
                line = "\n" + line;
            }
            lineNumber = countLines(existing) + (endsWithNewline ? 1 : 2);
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Entry entry = new Entry(file, lineNumber, "", hostName, keyType(key), key.clone());
        entries().add(entry);
        return entry;
    }

    private static int countLines(byte[] bytes) {
        int lines = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private List<Entry> entries() {
        if (entries == null) {
            entries = new ArrayList<>();
            for (Path file : files) {
                entries.addAll(read(file));
            }
        }
        return entries;
    }

    static List<Entry> read(Path file) {
        List<Entry> found = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return found;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SshException("cannot read known_hosts file " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            Entry entry = parseLine(file, i + 1, lines.get(i));
            if (entry != null) {
                found.add(entry);
            }
        }
        return found;
    }

    /** A key line, or null for comments, blank and malformed lines (OpenSSH skips those too). */
    static Entry parseLine(Path file, int lineNumber, String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return null;
        }
        String[] fields = s.split("\\s+");
        int i = 0;
        String marker = "";
        if (fields[0].startsWith("@")) {
            marker = fields[0];
            i = 1;
        }
        if (fields.length < i + 3) {
            return null;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(fields[i + 2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String type = keyType(key);
        if (type.isEmpty() || !type.equals(fields[i + 1])) {
            return null;
        }
        return new Entry(file, lineNumber, marker, fields[i], type, key);
    }

    /** The key type named inside an SSH public key blob (its first string), or "" if malformed. */
    public static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "";
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        int length = buffer.getInt();
        if (length <= 0 || length > blob.length - 4) {
            return "";
        }
        return new String(blob, 4, length, StandardCharsets.US_ASCII);
    }

    /** OpenSSH's fingerprint: {@code SHA256:} and the unpadded base64 of the key blob's SHA-256. */
    public static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** The name OpenSSH files a host key under: {@code host} on port 22, else {@code [host]:port}. */
    public static String lookupName(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    private static boolean hashedMatch(String field, String hostName) {
        String[] parts = field.split("\\|");
        // "", "1", salt, hash
        if (parts.length != 4) {
            return false;
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] actual = mac.doFinal(hostName.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(expected, actual);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
