package io.tierlift.audit.onprem;

import io.tierlift.audit.NginxDirective;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * nginx offers forward-secret AEAD ciphers only. Every cipher string that is not an exclusion
 * ({@code !x}, {@code -x}) must name an AEAD suite; group keywords (ALL, HIGH, DEFAULT...) pull in
 * CBC and worse, so they count as weak too.
 */
final class TlsCiphersRule extends TlsDirectiveRule {
    private static final List<String> WEAK = List.of("RC4", "DES", "MD5", "NULL", "EXPORT", "ANON", "ADH", "AECDH", "PSK", "SRP");

    TlsCiphersRule() {
        super("onprem.tls-ciphers", "nginx offers no weak ciphers (AEAD with forward secrecy only)",
                "set ssl_ciphers to Mozilla's intermediate list (ECDHE-...-GCM-... and ...-CHACHA20-POLY1305 only)",
                "ssl_ciphers", "nginx's default (HIGH, including CBC suites) applies");
    }

    /** Exclusions ({@code !x}, {@code -x}) remove suites, so only the suites a string adds can be weak. */
    @Override
    List<String> weakValues(NginxDirective configured) {
        return Arrays.stream(configured.arg(0).split(":"))
                .filter(c -> !c.isEmpty() && !c.startsWith("!") && !c.startsWith("-"))
                .filter(TlsCiphersRule::isWeak)
                .toList();
    }

    static boolean isWeak(String cipher) {
        String upper = cipher.toUpperCase(Locale.ROOT).replace("+", "");
        for (String weak : WEAK) {
            if (upper.contains(weak)) {
                return true;
            }
        }
        boolean aead = upper.contains("GCM") || upper.contains("CHACHA20-POLY1305") || upper.contains("CCM");
        boolean forwardSecret = upper.startsWith("ECDHE-") || upper.startsWith("DHE-") || upper.startsWith("TLS_");
        return !(aead && forwardSecret);
    }
}
