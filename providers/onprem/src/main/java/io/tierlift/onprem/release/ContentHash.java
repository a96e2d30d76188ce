package io.tierlift.onprem.release;

import io.tierlift.release.SourceFile;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 names for release content. Each file is fed as path, a mode flag, its length and its
 * bytes, with separators, so no two different trees can produce the same input; the kind
 * ("backend", "static") is part of it so ids of different things never collide.
 */
public final class ContentHash {
    private static final HexFormat HEX = HexFormat.of();

    /** Hex SHA-256 over the files in the given order (callers pass them sorted by path). */
    public String ofFiles(String kind, List<SourceFile> files, boolean withModes) {
        MessageDigest digest = sha256();
        digest.update(("tierlift-" + kind + "-v1\0").getBytes(StandardCharsets.UTF_8));
        for (SourceFile file : files) {
            digest.update(file.path().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update((byte) (withModes && file.executable() ? 'x' : 'f'));
            digest.update((byte) 0);
            digest.update(Long.toString(file.size()).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            digest.update(file.contentNoCopy());
        }
        return HEX.formatHex(digest.digest());
    }

    public String of(byte[] bytes) {
        return HEX.formatHex(sha256().digest(bytes));
    }

    public String of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A release id: a one-letter kind, '-', and the first 12 hex digits (48 bits) of the hash. */
    public String id(char kind, String hexHash) {
        return kind + "-" + hexHash.substring(0, 12);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
