package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.NginxDirective;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;

import java.util.List;

/**
 * The shape of the nginx TLS rules: on every host that serves TLS, each value of one directive
 * ({@code ssl_protocols}, {@code ssl_ciphers}) must be acceptable, and leaving the directive out is
 * a finding too, because nginx's default for it is weaker than what tierlift renders.
 */
abstract class TlsDirectiveRule extends OnpremRule {
    private final String directive;
    private final String whenMissing;

    /** {@code whenMissing} says what nginx falls back to when the directive is absent. */
    TlsDirectiveRule(String id, String summary, String fix, String directive, String whenMissing) {
        super(id, Severity.HIGH, summary, fix);
        this.directive = directive;
        this.whenMissing = whenMissing;
    }

    /** The values of the directive this rule refuses. */
    abstract List<String> weakValues(NginxDirective configured);

    @Override
    final void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            List<OnpremFiles.Located> nginx = files.nginx(host.name());
            boolean servesTls = nginx.stream().anyMatch(l -> l.directive().name().equals("listen")
                    && l.directive().args().contains("ssl"));
            boolean configured = false;
            for (OnpremFiles.Located l : nginx) {
                if (l.directive().name().equals(directive)) {
                    configured = true;
                    for (String weak : weakValues(l.directive())) {
                        findings.add(at(host.name(), l, directive + " allows " + weak));
                    }
                }
            }
            if (servesTls && !configured) {
                findings.add(finding(Where.host(host.name()), "nginx serves TLS without " + directive + ", so " + whenMissing));
            }
        }
    }
}
