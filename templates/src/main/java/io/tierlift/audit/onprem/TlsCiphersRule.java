package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;

import java.util.List;
import java.util.Locale;

/**
 * nginx offers forward-secret AEAD ciphers only. Every cipher string that is not an exclusion
 * ({@code !x}, {@code -x}) must name an AEAD suite; group keywords (ALL, HIGH, DEFAULT...) pull in
 * CBC and worse, so they count as weak too.
 */
final class TlsCiphersRule extends OnpremRule {
    private static final List<String> WEAK = List.of("RC4", "DES", "MD5", "NULL", "EXPORT", "ANON", "ADH", "AECDH", "PSK", "SRP");

    TlsCiphersRule() {
        super("onprem.tls-ciphers", Severity.HIGH, "nginx offers no weak ciphers (AEAD with forward secrecy only)",
                "set ssl_ciphers to Mozilla's intermediate list (ECDHE-...-GCM-... and ...-CHACHA20-POLY1305 only)");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            List<OnpremFiles.Located> nginx = files.nginx(host.name());
            boolean servesTls = nginx.stream().anyMatch(l -> l.directive().name().equals("listen")
                    && l.directive().args().contains("ssl"));
            boolean configured = false;
            for (OnpremFiles.Located l : nginx) {
                if (!l.directive().name().equals("ssl_ciphers")) {
                    continue;
                }
                configured = true;
                for (String cipher : l.directive().arg(0).split(":")) {
                    if (cipher.isEmpty() || cipher.startsWith("!") || cipher.startsWith("-")) {
                        continue;
                    }
                    if (isWeak(cipher)) {
                        findings.add(at(host.name(), l, "ssl_ciphers allows " + cipher));
                    }
                }
            }
            if (servesTls && !configured) {
                findings.add(finding(Where.host(host.name()),
                        "nginx serves TLS without ssl_ciphers, so nginx's default (HIGH, including CBC suites) applies"));
            }
        }
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
