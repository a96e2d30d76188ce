package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.EdgeSettings;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;

import java.util.ArrayList;
import java.util.List;

/**
 * Who does what on the nginx edge, worked out once from the descriptor so that the renderer,
 * the firewall rules and the deploy steps agree on it.
 *
 * <ul>
 *   <li>The WAF is on when {@code waf.crs} is true and some host has role {@code waf}. Then the
 *       waf hosts face clients; otherwise the proxy hosts do. Client-facing hosts terminate TLS on
 *       {@code edge.https_port} and redirect {@code edge.http_port} to HTTPS.</li>
 *   <li>A waf host without the proxy role forwards everything, as plain HTTP, to the proxy hosts
 *       that are not waf hosts themselves, on {@code edge.http_port}; those proxies listen there
 *       for the waf hosts only.</li>
 *   <li>A proxy routes {@code /api/} to every app host on {@code backend.port}, and {@code /} to the
 *       static files: from its own disk when it also has role static, else to the static hosts on
 *       {@code edge.static_port}.</li>
 * </ul>
 */
public record EdgeTopology(String app, OnpremTarget target) {
    public static EdgeTopology of(AppDescriptor descriptor) {
        return new EdgeTopology(descriptor.app(), descriptor.targets().onprem()
                .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.onprem section")));
    }

    /** When this file exists on a client-facing host, every request gets the maintenance page (503). */
    public static final String MAINTENANCE_FLAG = "/etc/nginx/tierlift/maintenance.on";
    /**
     * How long nginx keeps an app server it saw failing out of rotation (fail_timeout). Short, so
     * a rolling restart can wait it out between hosts instead of reloading the proxies, which
     * would close every idle keep-alive client connection (clients that don't retry see an error).
     */
    public static final java.time.Duration UPSTREAM_FAIL_TIMEOUT = java.time.Duration.ofSeconds(3);
    /** Where the certificate and key live when the descriptor names no certificate. */
    public static final String TLS_DIR = "/etc/nginx/tls";
    /** The ModSecurity module, from Debian's libnginx-mod-http-modsecurity. */
    public static final String MODSECURITY_MODULE = "/usr/lib/nginx/modules/ngx_http_modsecurity_module.so";
    /** The OWASP CRS rules, from Debian's modsecurity-crs. */
    public static final String CRS_RULES = "/usr/share/modsecurity-crs/rules/*.conf";
    /** The set-up file Debian's modsecurity-crs installs: default actions and its release's tx.crs_setup_version. */
    public static final String CRS_PACKAGE_SETUP = "/etc/modsecurity/crs/crs-setup.conf";
    /**
     * The unicode map ModSecurity decodes %u escapes with, as shipped by
     * libnginx-mod-http-modsecurity outside /etc/nginx (its copy in /etc/nginx is an editable
     * conffile; this one is the package's own and keeps the rendered /etc/nginx self-contained).
     */
    public static final String MODSECURITY_UNICODE_MAP = "/usr/share/nginx/docs/modsecurity/unicode.mapping";
    /** ModSecurity's engine settings, whose SecRuleEngine line says whether it blocks. */
    public static final String MODSECURITY_ENGINE = "/etc/nginx/modsecurity/modsecurity.conf";
    /** ModSecurity's audit log of refused and failed requests: what {@code waf report} reads. */
    public static final String MODSECURITY_AUDIT_LOG = "/var/log/nginx/modsec_audit.log";
    /**
     * Ids of the rules rendered from {@code waf.exclusions}, in order: inside ModSecurity's range for
     * local rules (1-99,999), apart from the CRS's (900,000-999,999) and tierlift's engine rules (200,000+).
     */
    public static final int WAF_EXCLUSION_FIRST_ID = 10000;
    public static final int WAF_EXCLUSION_LAST_ID = 10199;
    /** ModSecurity's temporary and data folder; the deploy step creates it, owned by www-data, mode 0750. */
    public static final String MODSECURITY_DATA_DIR = "/var/cache/modsecurity";
    /** The user nginx workers run as (Debian's). */
    public static final String NGINX_USER = "www-data";

    /** True when ModSecurity runs: the descriptor turns it on and a host carries the waf role. */
    public boolean wafOn() {
        return target.waf().crs() && !target.hostsWith(Role.WAF).isEmpty();
    }

    public EdgeSettings ports() {
        return target.edge();
    }

    /** The hosts clients connect to: they terminate TLS and redirect plain HTTP to HTTPS. */
    public List<Host> clientFacingHosts() {
        return wafOn() ? target.hostsWith(Role.WAF) : target.hostsWith(Role.PROXY);
    }

    public boolean isClientFacing(Host host) {
        return wafOn() ? host.has(Role.WAF) : host.has(Role.PROXY);
    }

    /** True for the hosts that load ModSecurity and the CRS. */
    public boolean runsModSecurity(Host host) {
        return wafOn() && host.has(Role.WAF);
    }

    /** True for a waf host that passes requests on to separate proxy hosts. */
    public boolean forwardsToProxies(Host host) {
        return runsModSecurity(host) && !host.has(Role.PROXY);
    }

    /** The proxies that waf-only hosts forward to, on {@code edge.http_port}, as plain HTTP. */
    public List<Host> proxiesBehindWaf() {
        if (!wafOn()) {
            return List.of();
        }
        return target.hostsWith(Role.PROXY).stream().filter(h -> !h.has(Role.WAF)).toList();
    }

    /** True for a proxy that listens on {@code edge.http_port} for the waf hosts only. */
    public boolean isProxyBehindWaf(Host host) {
        return host.has(Role.PROXY) && !isClientFacing(host);
    }

    /** The waf hosts a proxy behind the WAF accepts forwarded client addresses from. */
    public List<Host> wafHostsInFront() {
        return wafOn() ? target.hostsWith(Role.WAF).stream().filter(h -> !h.has(Role.PROXY)).toList() : List.of();
    }

    /** True for a proxy that serves the React build from its own disk. */
    public boolean servesStaticLocally(Host host) {
        return host.has(Role.PROXY) && host.has(Role.STATIC);
    }

    /**
     * True for a static host that listens on {@code edge.static_port}: always when it is not a
     * proxy itself, and also when some proxy lacks the static role and so fetches from all of them.
     */
    public boolean servesStaticPort(Host host) {
        if (!host.has(Role.STATIC)) {
            return false;
        }
        return !host.has(Role.PROXY) || target.hostsWith(Role.PROXY).stream().anyMatch(p -> !p.has(Role.STATIC));
    }

    /** The static hosts a proxy without the static role fetches from, on {@code edge.static_port}. */
    public List<Host> staticHosts() {
        return target.hostsWith(Role.STATIC);
    }

    public List<Host> appHosts() {
        return target.hostsWith(Role.APP);
    }

    /** True when this renderer has anything to place on the host. */
    public boolean isEdgeHost(Host host) {
        return isClientFacing(host) || host.has(Role.PROXY) || servesStaticPort(host);
    }

    /**
     * The TCP ports nginx listens on at this host's address: HTTP and HTTPS on a client-facing
     * host, HTTP on a proxy behind the WAF (for the waf hosts only), the static port on a static
     * host that proxies fetch from. Empty for hosts without edge duties.
     */
    public List<Integer> listeningPorts(Host host) {
        List<Integer> ports = new ArrayList<>();
        if (isClientFacing(host)) {
            ports.add(target.edge().httpPort());
            ports.add(target.edge().httpsPort());
        } else if (host.has(Role.PROXY)) {
            ports.add(target.edge().httpPort());
        }
        if (servesStaticPort(host)) {
            ports.add(target.edge().staticPort());
        }
        return List.copyOf(ports);
    }

    /** The live React build: a symlink into {@link #staticReleasesDir()} that deploys switch atomically. */
    public String staticRoot() {
        return target.appRoot() + "/static/current";
    }

    /** Where each React build is unpacked, one folder per release. */
    public String staticReleasesDir() {
        return target.appRoot() + "/static/releases";
    }

    /** The page answered, with status 503, while {@link #MAINTENANCE_FLAG} exists. */
    public String maintenanceDir() {
        return target.appRoot() + "/maintenance";
    }

    public String maintenancePage() {
        return maintenanceDir() + "/index.html";
    }

    /** True when no certificate is named and the deploy step must create a self-signed pair. */
    public boolean selfSigned() {
        return target.tls().isEmpty();
    }

    /** The self-signed certificate the deploy step creates with openssl when no certificate is named. */
    public static String selfSignedCertificate(String app) {
        return TLS_DIR + "/" + app + "-selfsigned.crt";
    }

    /** The self-signed certificate's key, mode 0600. */
    public static String selfSignedKey(String app) {
        return TLS_DIR + "/" + app + "-selfsigned.key";
    }

    /** Where the descriptor's private key is placed, mode 0600. */
    public static String placedKey(String app) {
        return TLS_DIR + "/" + app + ".key";
    }

    /** The certificate the client-facing hosts present. */
    public String certificate() {
        return target.tls().map(t -> t.certificate()).orElse(selfSignedCertificate(app));
    }

    /** The key the client-facing hosts use. */
    public String certificateKey() {
        return target.tls().isPresent() ? placedKey(app) : selfSignedKey(app);
    }
}
