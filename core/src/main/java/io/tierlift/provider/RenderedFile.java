package io.tierlift.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One artifact a provider would place. {@code location} is relative to the target's output
 * folder: for on-prem {@code <host>/<absolute path>}, for AWS the template or artifact name.
 * {@code sensitive} files hold secrets when rendered for placement: their diffs are never shown.
 */
public record RenderedFile(String location, byte[] content, int mode, String owner, String group, boolean sensitive) {
    public static RenderedFile text(String location, String content, int mode, String owner, String group, boolean sensitive) {
        return new RenderedFile(location, content.getBytes(StandardCharsets.UTF_8), mode, owner, group, sensitive);
    }

    public String contentAsText() {
        return new String(content, StandardCharsets.UTF_8);
    }

    public String sha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
