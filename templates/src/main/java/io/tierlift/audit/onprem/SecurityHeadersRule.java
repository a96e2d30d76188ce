package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client-facing servers send HSTS (at least half a year) and the usual browser hardening
 * headers. Checked on the hosts clients connect to, where tierlift adds them.
 */
final class SecurityHeadersRule extends OnpremRule {
    private static final long MIN_HSTS_SECONDS = 15_768_000;
    private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d+)");

    SecurityHeadersRule() {
        super("onprem.security-headers", Severity.MEDIUM,
                "the client-facing server sends HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy and Content-Security-Policy",
                "add the header with 'add_header NAME VALUE always;' in the response-headers snippet of the client-facing host");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.clientFacingHosts()) {
            Map<String, String> headers = new HashMap<>();
            for (OnpremFiles.Located l : files.nginx(host.name())) {
                if (l.directive().name().equals("add_header")) {
                    headers.put(l.directive().arg(0).toLowerCase(Locale.ROOT), l.directive().arg(1));
                }
            }
            String hsts = headers.get("strict-transport-security");
            if (hsts == null) {
                findings.add(finding(Where.host(host.name()), "no Strict-Transport-Security header"));
            } else {
                Matcher m = MAX_AGE.matcher(hsts);
                if (!m.find() || Long.parseLong(m.group(1).length() > 12 ? "0" : m.group(1)) < MIN_HSTS_SECONDS) {
                    findings.add(finding(Where.host(host.name()),
                            "Strict-Transport-Security max-age below " + MIN_HSTS_SECONDS + " s: '" + hsts + "'"));
                }
            }
            if (!"nosniff".equalsIgnoreCase(headers.getOrDefault("x-content-type-options", ""))) {
                findings.add(finding(Where.host(host.name()), "no 'X-Content-Type-Options: nosniff' header"));
            }
            String csp = headers.getOrDefault("content-security-policy", "");
            if (!headers.containsKey("x-frame-options") && !csp.contains("frame-ancestors")) {
                findings.add(finding(Where.host(host.name()), "no X-Frame-Options header (nor a CSP frame-ancestors)"));
            }
            if (!headers.containsKey("referrer-policy")) {
                findings.add(finding(Where.host(host.name()), "no Referrer-Policy header"));
            }
            if (csp.isEmpty()) {
                findings.add(finding(Where.host(host.name()), "no Content-Security-Policy header"));
            }
        }
    }
}
