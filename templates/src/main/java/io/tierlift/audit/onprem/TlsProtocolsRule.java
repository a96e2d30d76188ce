package io.tierlift.audit.onprem;

import io.tierlift.audit.NginxDirective;

import java.util.List;
import java.util.Set;

/** nginx offers TLS 1.2 and 1.3 only: older versions have known downgrade and padding attacks. */
final class TlsProtocolsRule extends TlsDirectiveRule {
    private static final Set<String> ALLOWED = Set.of("TLSv1.2", "TLSv1.3");

    TlsProtocolsRule() {
        super("onprem.tls-protocols", "nginx offers only TLSv1.2 and TLSv1.3",
                "set 'ssl_protocols TLSv1.2 TLSv1.3;' in the host's TLS snippet (tierlift renders exactly this)",
                "ssl_protocols", "nginx's default (including TLSv1 and TLSv1.1) applies");
    }

    @Override
    List<String> weakValues(NginxDirective configured) {
        return configured.args().stream().filter(protocol -> !ALLOWED.contains(protocol)).toList();
    }
}
