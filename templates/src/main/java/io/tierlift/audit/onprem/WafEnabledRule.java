package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.render.onprem.edge.EdgeTopology;

import java.util.List;

/** Requests from clients pass ModSecurity with the OWASP CRS before anything else sees them. */
final class WafEnabledRule extends OnpremRule {
    WafEnabledRule() {
        super("onprem.waf-enabled", Severity.HIGH, "ModSecurity with the OWASP CRS runs on every client-facing host",
                "set targets.onprem.waf.crs: true and give the client-facing host(s) the waf role");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        if (!files.target().waf().crs()) {
            findings.add(finding(Where.descriptor("targets.onprem.waf.crs"), "the WAF is off (waf.crs: false)"));
            return;
        }
        if (files.target().hostsWith(Role.WAF).isEmpty()) {
            findings.add(finding(Where.descriptor("targets.onprem.hosts"), "waf.crs is true but no host has the waf role"));
            return;
        }
        for (Host host : files.clientFacingHosts()) {
            List<OnpremFiles.Located> nginx = files.nginx(host.name());
            boolean on = nginx.stream().anyMatch(l -> l.directive().name().equals("modsecurity")
                    && l.directive().arg(0).equals("on"));
            boolean rules = nginx.stream().anyMatch(l -> l.directive().name().equals("modsecurity_rules_file"));
            boolean crs = files.modsecurity(host.name()).stream()
                    .anyMatch(l -> l.text().startsWith("Include ") && l.text().contains(EdgeTopology.CRS_RULES));
            if (!on || !rules) {
                findings.add(finding(Where.host(host.name()), "nginx does not run ModSecurity ('modsecurity on;' with a rules file)"));
            } else if (!crs) {
                findings.add(finding(Where.host(host.name()), "ModSecurity runs without the OWASP CRS rules (" + EdgeTopology.CRS_RULES + ")"));
            }
        }
    }
}
