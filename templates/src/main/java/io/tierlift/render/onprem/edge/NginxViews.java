package io.tierlift.render.onprem.edge;

import java.util.List;

/**
 * The view models of the edge templates, one record per template. They hold values only; every
 * value is escaped for nginx or ModSecurity syntax when the template is filled.
 */
public final class NginxViews {
    private NginxViews() {
    }

    /** {@code nginx.conf}: the main file, which includes only tierlift's own files. */
    public record Main(String hostName, boolean modsecurity, String modsecurityModule, String user, String mimeTypes,
                       String maxBodySize, List<String> includes) {
        public Main {
            includes = List.copyOf(includes);
        }
    }

    /** A template without values. */
    public record Fixed() {
    }

    public record Upstreams(int maxFails, String failTimeout, List<Upstream> upstreams) {
        public Upstreams {
            upstreams = List.copyOf(upstreams);
        }
    }

    public record Upstream(String name, List<Server> servers, int keepalive) {
        public Upstream {
            servers = List.copyOf(servers);
        }
    }

    public record Server(String address, int port) {
    }

    public record RateLimits(String zone, int ratePerSecond) {
    }

    /** The client-facing servers: the HTTP redirect and the HTTPS server. */
    public record PublicServer(String address, int httpPort, int httpsPort, String domain, String redirectAuthority,
                               String tlsSnippet, boolean modsecurity, String modsecurityRules,
                               String maintenanceSnippet, List<String> locationSnippets) {
        public PublicServer {
            locationSnippets = List.copyOf(locationSnippets);
        }
    }

    /** A proxy behind separate WAF hosts. */
    public record InternalProxyServer(String address, int httpPort, String domain, List<String> wafAddresses,
                                      List<String> locationSnippets) {
        public InternalProxyServer {
            wafAddresses = List.copyOf(wafAddresses);
            locationSnippets = List.copyOf(locationSnippets);
        }
    }

    public record StaticServer(String address, int staticPort, String domain, String staticSnippet) {
    }

    public record Tls(String certificate, String certificateKey) {
    }

    public record ResponseHeaders(boolean clientFacing) {
    }

    /** {@code bindsSource} is false when the host's address is a name, which proxy_bind cannot take. */
    public record ProxyHeaders(boolean behindWaf, boolean bindsSource, String sourceAddress) {
    }

    /** {@code bursts} is false for {@code rate_burst: 0}, which nginx refuses as {@code burst=0}. */
    public record ApiLocation(String rateLimitZone, boolean bursts, int burst, String upstream, String proxyHeadersSnippet,
                              String responseHeadersSnippet, String connectTimeout, String timeout, int tries) {
    }

    public record ForwardLocation(String upstream, String proxyHeadersSnippet, String responseHeadersSnippet,
                                  String connectTimeout, String timeout, int tries) {
    }

    public record StaticLocations(String root, boolean responseHeaders, String responseHeadersSnippet) {
    }

    public record Maintenance(String flag, String pageDir, String responseHeadersSnippet) {
    }

    /** ModSecurity's {@code main.conf}: what it includes, in order. */
    public record ModSecurityMain(List<String> includes) {
        public ModSecurityMain {
            includes = List.copyOf(includes);
        }
    }

    public record ModSecurityEngine(boolean blocking, String engine, long bodyLimit, String bodyLimitText,
                                    String dataDir, String auditLog, String unicodeMap) {
    }

    public record CrsSettings(int paranoia, int inboundThreshold) {
    }

    /** The CRS rule exclusions of the descriptor, each a runtime rule of its own. */
    public record WafExclusions(int firstId, int lastId, List<WafExclusionRule> rules) {
        public WafExclusions {
            rules = List.copyOf(rules);
        }
    }

    /**
     * One exclusion: {@code ctl} is {@code ruleRemoveTargetById} or {@code ruleRemoveTargetByTag},
     * {@code rule} the id or tag; {@code pathPrefix} is empty when it applies to every path.
     */
    public record WafExclusionRule(int id, String ctl, String rule, String target, String pathPrefix, boolean everyPath) {
    }
}
