package io.tierlift.onprem.deploy;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PostgreSQL SCRAM-SHA-256 password verifiers (RFC 7677, as stored in pg_authid). tierlift sends
 * roles a verifier, never the password, so no server log or statement view can show it; and it
 * checks a live verifier against the wanted password to leave an unchanged role alone.
 */
public final class ScramVerifier {
    private static final int ITERATIONS = 4096;
    private final SecureRandom random;

    public ScramVerifier(SecureRandom random) {
        this.random = random;
    }

    public String create(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return create(password, salt, ITERATIONS);
    }

    String create(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] storedKey = sha256(hmac(salted, "Client Key"));
        byte[] serverKey = hmac(salted, "Server Key");
        Base64.Encoder b64 = Base64.getEncoder();
        return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                + ":" + b64.encodeToString(serverKey);
    }

    /** True when the stored verifier was made from this password. */
    public boolean matches(String verifier, String password) {
        if (verifier == null || !verifier.startsWith("SCRAM-SHA-256$")) {
            return false;
        }
        try {
            String[] parts = verifier.substring("SCRAM-SHA-256$".length()).split("[$:]");
            int iterations = Integer.parseInt(parts[0]);
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            byte[] stored = Base64.getDecoder().decode(parts[2]);
            byte[] salted = saltedPassword(password, salt, iterations);
            return MessageDigest.isEqual(stored, sha256(hmac(salted, "Client Key")));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
