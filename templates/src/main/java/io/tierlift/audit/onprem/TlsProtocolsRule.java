package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;

import java.util.List;
import java.util.Set;

/** nginx offers TLS 1.2 and 1.3 only: older versions have known downgrade and padding attacks. */
final class TlsProtocolsRule extends OnpremRule {
    private static final Set<String> ALLOWED = Set.of("TLSv1.2", "TLSv1.3");

    TlsProtocolsRule() {
        super("onprem.tls-protocols", Severity.HIGH, "nginx offers only TLSv1.2 and TLSv1.3",
                "set 'ssl_protocols TLSv1.2 TLSv1.3;' in the host's TLS snippet (tierlift renders exactly this)");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            List<OnpremFiles.Located> nginx = files.nginx(host.name());
            boolean servesTls = nginx.stream().anyMatch(l -> l.directive().name().equals("listen")
                    && l.directive().args().contains("ssl"));
            boolean configured = false;
            for (OnpremFiles.Located l : nginx) {
                if (!l.directive().name().equals("ssl_protocols")) {
                    continue;
                }
                configured = true;
                for (String protocol : l.directive().args()) {
                    if (!ALLOWED.contains(protocol)) {
                        findings.add(at(host.name(), l, "ssl_protocols allows " + protocol));
                    }
                }
            }
            if (servesTls && !configured) {
                findings.add(finding(Where.host(host.name()),
                        "nginx serves TLS without ssl_protocols, so nginx's default (including TLSv1 and TLSv1.1) applies"));
            }
        }
    }
}
