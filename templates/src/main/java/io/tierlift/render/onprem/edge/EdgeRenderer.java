package io.tierlift.render.onprem.edge;

import io.tierlift.model.Host;
import io.tierlift.model.Ipv4;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.model.TlsSettings;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.render.engine.UnsafeValueException;
import io.tierlift.render.onprem.HostFile;
import io.tierlift.render.onprem.HostRoleRenderer;
import io.tierlift.render.onprem.OnpremScope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole nginx configuration of a waf, proxy or static host under {@code /etc/nginx/}: main
 * file, mime types, upstreams, servers, TLS, ModSecurity with the OWASP CRS, plus the maintenance
 * page and the TLS key. See {@link EdgeTopology} for which host does what.
 */
public final class EdgeRenderer implements HostRoleRenderer {
    private static final String NGINX_TEMPLATES = "onprem/nginx/";
    private static final String MODSECURITY_TEMPLATES = "onprem/modsecurity/";

    private static final String OWN_DIR = "/etc/nginx/tierlift";
    private static final String SNIPPETS = OWN_DIR + "/snippets";
    private static final String SERVERS = OWN_DIR + "/servers";
    private static final String MIME_TYPES = OWN_DIR + "/mime.types";
    private static final String RATE_LIMITS = OWN_DIR + "/rate-limits.conf";
    private static final String UPSTREAMS = OWN_DIR + "/upstreams.conf";
    private static final String RESPONSE_HEADERS = SNIPPETS + "/response-headers.conf";
    private static final String PROXY_HEADERS = SNIPPETS + "/proxy-headers.conf";
    private static final String TLS = SNIPPETS + "/tls.conf";
    private static final String MAINTENANCE = SNIPPETS + "/maintenance.conf";
    private static final String API_LOCATION = SNIPPETS + "/api.conf";
    private static final String STATIC_FILES = SNIPPETS + "/static-files.conf";
    private static final String STATIC_ORIGIN_FILES = SNIPPETS + "/static-origin-files.conf";
    private static final String STATIC_UPSTREAM_LOCATION = SNIPPETS + "/static-upstream.conf";
    private static final String FORWARD_LOCATION = SNIPPETS + "/forward-to-proxy.conf";
    private static final String PUBLIC_SERVER = SERVERS + "/public.conf";
    private static final String INTERNAL_PROXY_SERVER = SERVERS + "/proxy.conf";
    private static final String STATIC_SERVER = SERVERS + "/static.conf";

    private static final String MODSECURITY_DIR = "/etc/nginx/modsecurity";
    private static final String MODSECURITY_MAIN = MODSECURITY_DIR + "/main.conf";
    private static final String MODSECURITY_ENGINE = EdgeTopology.MODSECURITY_ENGINE;
    private static final String CRS_SETTINGS = MODSECURITY_DIR + "/crs-settings.conf";
    private static final String WAF_EXCLUSIONS = MODSECURITY_DIR + "/exclusions.conf";

    private static final String APP_UPSTREAM = "tierlift_app";
    private static final String STATIC_UPSTREAM = "tierlift_static";
    private static final String PROXY_UPSTREAM = "tierlift_proxy";
    private static final String RATE_LIMIT_ZONE = "tierlift_api";
    private static final int MAX_FAILS = 3;
    private static final String FAIL_TIMEOUT = EdgeTopology.UPSTREAM_FAIL_TIMEOUT.toSeconds() + "s";
    private static final String CONNECT_TIMEOUT = "5s";
    private static final int MAX_TRIES = 3;

    private final TemplateEngine engine;

    public EdgeRenderer(TemplateEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<RenderedFile> render(OnpremScope scope) {
        EdgeTopology topology = new EdgeTopology(scope.app().app(), scope.target());
        Host host = scope.host();
        if (!topology.isEdgeHost(host)) {
            return List.of();
        }
        return new HostRendering(scope, topology).render();
    }

    /** The files of one host; collects what nginx.conf must include as it goes. */
    private final class HostRendering {
        private final OnpremScope scope;
        private final EdgeTopology topology;
        private final Host host;
        private final OnpremTarget target;
        private final List<RenderedFile> files = new ArrayList<>();
        private final List<String> httpIncludes = new ArrayList<>();
        private final List<NginxViews.Upstream> upstreams = new ArrayList<>();
        private final List<String> locationSnippets = new ArrayList<>();

        HostRendering(OnpremScope scope, EdgeTopology topology) {
            this.scope = scope;
            this.topology = topology;
            this.host = scope.host();
            this.target = scope.target();
        }

        List<RenderedFile> render() {
            boolean clientFacing = topology.isClientFacing(host);
            boolean proxy = host.has(Role.PROXY);
            boolean forwards = topology.forwardsToProxies(host);
            if (clientFacing || proxy) {
                nginx(RESPONSE_HEADERS, "response-headers", new NginxViews.ResponseHeaders(clientFacing));
                nginx(PROXY_HEADERS, "proxy-headers", new NginxViews.ProxyHeaders(topology.isProxyBehindWaf(host),
                        Ipv4.isValid(host.address()), host.address()));
            }
            if (proxy) {
                proxyLocations();
            } else if (forwards) {
                forwardToProxies();
            }
            if (!upstreams.isEmpty()) {
                nginx(UPSTREAMS, "upstreams", new NginxViews.Upstreams(MAX_FAILS, FAIL_TIMEOUT, upstreams));
                httpIncludes.add(UPSTREAMS);
            }
            if (clientFacing) {
                publicServer();
            } else if (proxy) {
                nginx(INTERNAL_PROXY_SERVER, "internal-proxy-server", new NginxViews.InternalProxyServer(
                        host.address(), target.edge().httpPort(), target.domain(),
                        topology.wafHostsInFront().stream().map(Host::address).toList(), locationSnippets));
                httpIncludes.add(INTERNAL_PROXY_SERVER);
            }
            if (topology.servesStaticPort(host)) {
                nginx(STATIC_ORIGIN_FILES, "static-locations",
                        new NginxViews.StaticLocations(topology.staticRoot(), false, RESPONSE_HEADERS));
                nginx(STATIC_SERVER, "static-server", new NginxViews.StaticServer(
                        host.address(), target.edge().staticPort(), target.domain(), STATIC_ORIGIN_FILES));
                httpIncludes.add(STATIC_SERVER);
            }
            boolean modsecurity = topology.runsModSecurity(host);
            if (modsecurity) {
                modSecurity();
            }
            nginx(MIME_TYPES, "mime.types", new NginxViews.Fixed());
            nginx("/etc/nginx/nginx.conf", "nginx.conf", new NginxViews.Main(host.name(), modsecurity,
                    EdgeTopology.MODSECURITY_MODULE, EdgeTopology.NGINX_USER, MIME_TYPES,
                    target.edge().maxBodySize(), httpIncludes));
            return files;
        }

        /** /api/ to the app hosts; / to the static files, local or on the static hosts. */
        private void proxyLocations() {
            var edge = target.edge();
            nginx(RATE_LIMITS, "rate-limits", new NginxViews.RateLimits(RATE_LIMIT_ZONE, edge.rateLimitPerSecond()));
            httpIncludes.add(RATE_LIMITS);
            List<Host> apps = topology.appHosts();
            upstreams.add(upstream(APP_UPSTREAM, apps, scope.app().backend().port(), 32));
            nginx(API_LOCATION, "api-location", new NginxViews.ApiLocation(RATE_LIMIT_ZONE, edge.rateLimitBurst() > 0, edge.rateLimitBurst(),
                    APP_UPSTREAM, PROXY_HEADERS, RESPONSE_HEADERS, CONNECT_TIMEOUT, backendTimeout(), tries(apps)));
            locationSnippets.add(API_LOCATION);
            if (topology.servesStaticLocally(host)) {
                nginx(STATIC_FILES, "static-locations",
                        new NginxViews.StaticLocations(topology.staticRoot(), true, RESPONSE_HEADERS));
                locationSnippets.add(STATIC_FILES);
            } else {
                List<Host> statics = topology.staticHosts();
                upstreams.add(upstream(STATIC_UPSTREAM, statics, edge.staticPort(), 16));
                nginx(STATIC_UPSTREAM_LOCATION, "forward-location", new NginxViews.ForwardLocation(STATIC_UPSTREAM,
                        PROXY_HEADERS, RESPONSE_HEADERS, CONNECT_TIMEOUT, backendTimeout(), tries(statics)));
                locationSnippets.add(STATIC_UPSTREAM_LOCATION);
            }
        }

        /** A waf host without the proxy role hands every request to the proxies behind it. */
        private void forwardToProxies() {
            List<Host> proxies = topology.proxiesBehindWaf();
            if (proxies.isEmpty()) {
                throw new IllegalArgumentException("host " + host.name() + " has role waf but not proxy, and every proxy host"
                        + " is a waf host too, so it has no proxy to pass requests to: give it role proxy as well,"
                        + " or add a proxy host without role waf");
            }
            upstreams.add(upstream(PROXY_UPSTREAM, proxies, target.edge().httpPort(), 32));
            nginx(FORWARD_LOCATION, "forward-location", new NginxViews.ForwardLocation(PROXY_UPSTREAM, PROXY_HEADERS,
                    RESPONSE_HEADERS, CONNECT_TIMEOUT, backendTimeout(), tries(proxies)));
            locationSnippets.add(FORWARD_LOCATION);
        }

        /** TLS, the HTTP redirect, the maintenance switch and page, and the key file when one is named. */
        private void publicServer() {
            String app = scope.app().app();
            var edge = target.edge();
            nginx(TLS, "tls", new NginxViews.Tls(topology.certificate(), topology.certificateKey()));
            nginx(MAINTENANCE, "maintenance", new NginxViews.Maintenance(EdgeTopology.MAINTENANCE_FLAG,
                    topology.maintenanceDir(), RESPONSE_HEADERS));
            files.add(HostFile.config(scope, topology.maintenancePage(),
                    new io.tierlift.render.page.MaintenancePage(engine).render(app, target.domain())));
            String redirectAuthority = edge.httpsPort() == 443 ? target.domain() : target.domain() + ":" + edge.httpsPort();
            nginx(PUBLIC_SERVER, "public-server", new NginxViews.PublicServer(host.address(), edge.httpPort(),
                    edge.httpsPort(), target.domain(), redirectAuthority, TLS, topology.runsModSecurity(host),
                    MODSECURITY_MAIN, MAINTENANCE, locationSnippets));
            httpIncludes.add(PUBLIC_SERVER);
            if (target.tls().isPresent()) {
                TlsSettings tls = target.tls().get();
                // The key itself, not config text: it is written as it is, readable by root only.
                files.add(HostFile.of(scope, EdgeTopology.placedKey(app), scope.secrets().value(tls.key()),
                        0600, "root", "root", true));
            }
        }

        private void modSecurity() {
            var waf = target.waf();
            long bodyLimit = bodyLimitBytes(target.edge().maxBodySize());
            modsec(MODSECURITY_ENGINE, "modsecurity", new NginxViews.ModSecurityEngine(waf.blocking(),
                    waf.blocking() ? "On" : "DetectionOnly", bodyLimit, target.edge().maxBodySize(),
                    EdgeTopology.MODSECURITY_DATA_DIR, EdgeTopology.MODSECURITY_AUDIT_LOG, EdgeTopology.MODSECURITY_UNICODE_MAP));
            modsec(CRS_SETTINGS, "crs-settings", new NginxViews.CrsSettings(waf.paranoia(), waf.anomalyThreshold()));
            modsec(WAF_EXCLUSIONS, "exclusions", WafExclusionRules.of(waf.exclusions()));
            // The package's own set-up first: it carries the version marker of the CRS the host installed.
            // Runtime exclusions (ctl:) act on rules that run after them, so they load before the CRS rules.
            modsec(MODSECURITY_MAIN, "main", new NginxViews.ModSecurityMain(List.of(MODSECURITY_ENGINE,
                    EdgeTopology.CRS_PACKAGE_SETUP, CRS_SETTINGS, WAF_EXCLUSIONS, EdgeTopology.CRS_RULES)));
        }

        private NginxViews.Upstream upstream(String name, List<Host> hosts, int port, int keepalive) {
            return new NginxViews.Upstream(name,
                    hosts.stream().map(h -> new NginxViews.Server(h.address(), port)).toList(), keepalive);
        }

        private String backendTimeout() {
            return nginxTime(scope.app().backend().timeout());
        }

        private void nginx(String path, String template, Object view) {
            files.add(HostFile.config(scope, path, engine.render(NGINX_TEMPLATES + template + ".nginx.ftl", view)));
        }

        private void modsec(String path, String template, Object view) {
            files.add(HostFile.config(scope, path, engine.render(MODSECURITY_TEMPLATES + template + ".modsec.ftl", view)));
        }
    }

    /** Retrying on more than a few servers only makes a failing request slower. */
    private static int tries(List<Host> servers) {
        return Math.max(1, Math.min(servers.size(), MAX_TRIES));
    }

    /** nginx time: whole seconds when exact, else milliseconds. */
    static String nginxTime(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /**
     * ModSecurity's body limit in bytes from nginx's size ({@code 512k}, {@code 10m}, {@code 1g}).
     * nginx reads 0 as "no limit"; ModSecurity needs a number, so 0 becomes 1 GiB.
     */
    static long bodyLimitBytes(String size) {
        if (!size.matches("[0-9]{1,6}[kmg]?")) {
            throw new UnsafeValueException("ModSecurity", "'" + size.replace("\n", "\\n")
                    + "' is not a size such as 512k, 10m or 1g");
        }
        char unit = size.charAt(size.length() - 1);
        long multiplier = switch (unit) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        String digits = multiplier == 1 ? size : size.substring(0, size.length() - 1);
        long bytes = Long.parseLong(digits) * multiplier;
        return bytes == 0 ? 1024L * 1024 * 1024 : bytes;
    }
}
