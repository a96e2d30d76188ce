package io.tierlift.onprem.deploy;

import org.postgresql.util.PasswordUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * PostgreSQL SCRAM-SHA-256 password verifiers (RFC 7677, as stored in pg_authid). tierlift sends
 * roles a verifier, never the password, so no server log or statement view can show it; and it
 * checks a live verifier against the wanted password to leave an unchanged role alone.
 *
 * <p>The password goes through SASLprep (RFC 4013) first, as libpq, psycopg2 and pgjdbc prepare it
 * when they log in: without it a password with a no-break space or a ligature such as "ﬁ" gets a
 * verifier no client can match. pgjdbc's {@link PasswordUtil} does exactly PostgreSQL's
 * preparation (SASLprep, or the raw password where SASLprep refuses it), so it builds the verifier.
 */
public final class ScramVerifier {
    private static final String PREFIX = "SCRAM-SHA-256$";
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
        return PasswordUtil.encodeScramSha256(password.toCharArray(), iterations, salt);
    }

    /** True when the stored verifier was made from this password: the same salt and count give the same verifier. */
    public boolean matches(String verifier, String password) {
        if (verifier == null || !verifier.startsWith(PREFIX)) {
            return false;
        }
        try {
            String[] parts = verifier.substring(PREFIX.length()).split("[$:]");
            int iterations = Integer.parseInt(parts[0]);
            byte[] salt = Base64.getDecoder().decode(parts[1]);
            String expected = create(password, salt, iterations);
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), verifier.getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
