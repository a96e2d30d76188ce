package io.tierlift.onprem.deploy;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ScramVerifierTest {
    private static final byte[] SALT = "0123456789abcdef".getBytes();
    private final ScramVerifier scram = new ScramVerifier(new SecureRandom());

    @Test
    void passwordsAreSaslPreparedSoALigatureAndANoBreakSpaceMeanWhatClientsSend() {
        // SASLprep maps U+00A0 to a space and NFKC turns U+FB01 into "fi": libpq logs in with those.
        assertThat(scram.create("gr\u00fc\u00dfe\u00a0\ufb01x", SALT, 4096)).isEqualTo(scram.create("gr\u00fc\u00dfe fix", SALT, 4096));
        assertThat(scram.create("\ufb01", SALT, 4096)).isNotEqualTo(scram.create("\ufb01\ufb01", SALT, 4096));
    }

    @Test
    void aVerifierMatchesItsPasswordOnlyAndHasPostgresqlsForm() {
        String verifier = scram.create("s3cret \u00e9");
        assertThat(verifier).matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");
        assertThat(scram.matches(verifier, "s3cret \u00e9")).isTrue();
        assertThat(scram.matches(verifier, "s3cret e")).isFalse();
        assertThat(scram.matches("md5abc", "s3cret \u00e9")).isFalse();
        assertThat(scram.matches(null, "x")).isFalse();
        assertThat(scram.matches("SCRAM-SHA-256$garbage", "x")).isFalse();
    }

    @Test
    void twoVerifiersOfOnePasswordDifferBySalt() {
        assertThat(scram.create("same")).isNotEqualTo(scram.create("same"));
    }
}
