package io.tierlift.descriptor;

import io.tierlift.diag.Diagnostics;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsIaasTarget;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.model.Cidr;
import io.tierlift.model.DnsSettings;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.model.WafExclusion;
import io.tierlift.model.WafSettings;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Rules that span several keys: topology, sizes that must agree, regions that must match. */
final class DescriptorRules {
    private final Diagnostics diagnostics;
    private final SourceMap sourceMap;

    DescriptorRules(Diagnostics diagnostics, SourceMap sourceMap) {
        this.diagnostics = diagnostics;
        this.sourceMap = sourceMap;
    }

    void check(AppDescriptor descriptor) {
        var targets = descriptor.targets();
        if (targets.onprem().isEmpty() && targets.awsIaas().isEmpty() && targets.awsServerless().isEmpty()) {
            error("targets", "describe at least one tier: onprem, aws-iaas or aws-serverless");
        }
        descriptor.targets().onprem().ifPresent(t -> onprem(descriptor, t));
        descriptor.targets().awsIaas().ifPresent(this::awsIaas);
        descriptor.targets().awsServerless().ifPresent(this::awsServerless);
        descriptor.dns().ifPresent(dns -> dns(descriptor, dns));
        if (descriptor.backend().env().containsKey("DATABASE_URL") || descriptor.backend().env().containsKey("DATABASE_READ_URL")) {
            error("backend.env", "DATABASE_URL and DATABASE_READ_URL are set by tierlift from the database section; remove them here");
        }
    }

    private void onprem(AppDescriptor descriptor, OnpremTarget target) {
        String base = "targets.onprem";
        String hostsPath = base + ".hosts";
        List<Host> primaries = target.hostsWith(Role.DB_PRIMARY);
        if (primaries.size() != 1) {
            error(hostsPath, "exactly one host must have role db-primary, found " + primaries.size()
                    + (primaries.isEmpty() ? "" : " (" + names(primaries) + ")"));
        }
        List<Host> standbys = target.hostsWith(Role.DB_STANDBY);
        if (standbys.size() > 1) {
            error(hostsPath, "at most one host may have role db-standby, found " + standbys.size() + " (" + names(standbys) + ")");
        }
        for (Host host : target.hosts()) {
            if (host.has(Role.DB_PRIMARY) && host.has(Role.DB_STANDBY)) {
                error(hostsPath + "." + host.name() + ".roles", "a host cannot be both db-primary and its own db-standby");
            }
            if ((host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) && (host.has(Role.WAF) || host.has(Role.PROXY))) {
                warning(hostsPath + "." + host.name() + ".roles",
                        "the database shares a host with the internet-facing edge; keep them apart outside development");
            }
        }
        List<Host> apps = target.hostsWith(Role.APP);
        if (apps.isEmpty()) {
            error(hostsPath, "no host has role app");
        } else if (apps.size() == 1) {
            warning(hostsPath, "only one app host (" + apps.get(0).name()
                    + "): no redundancy, and a rolling restart cannot keep serving; add a second app host");
        }
        if (target.hostsWith(Role.PROXY).isEmpty()) {
            error(hostsPath, "no host has role proxy");
        }
        if (target.hostsWith(Role.STATIC).isEmpty()) {
            error(hostsPath, "no host has role static");
        }
        if (target.waf().crs() && target.hostsWith(Role.WAF).isEmpty()) {
            error(base + ".waf.crs", "the WAF is on but no host has role waf; add waf to the proxy host's roles, or set waf.crs: false");
        }
        boolean wafOnlyHost = target.hosts().stream().anyMatch(h -> h.has(Role.WAF) && !h.has(Role.PROXY));
        boolean proxyBehindWaf = target.hosts().stream().anyMatch(h -> h.has(Role.PROXY) && !h.has(Role.WAF));
        if (target.waf().crs() && wafOnlyHost && !proxyBehindWaf) {
            error(hostsPath, "a waf host without role proxy forwards to a proxy host; add a host with role proxy (without waf)");
        }
        if (!target.waf().crs() && !target.hostsWith(Role.WAF).isEmpty()) {
            warning(base + ".waf.crs", "the WAF is off, so hosts with role waf (" + names(target.hostsWith(Role.WAF)) + ") get no WAF configuration");
        }
        wafExclusions(target.waf(), base + ".waf.exclusions");
        if (!standbys.isEmpty() && descriptor.database().replicationPassword().isEmpty()) {
            error("database", "a db-standby needs database.replication_password (a separate secret for the replication role)");
        }
        backupRepository(descriptor, target, hostsPath);
        for (Host host : target.hosts()) {
            if (!io.tierlift.model.Ipv4.isValid(host.address())) {
                error(hostsPath + "." + host.name() + ".address", "on-prem host addresses must be IPv4 addresses: firewall rules, "
                        + "pg_hba and Gunicorn's trusted proxies match source addresses (put a DNS name in ssh_host to connect by name)");
            }
        }
        Map<String, String> addresses = new HashMap<>();
        for (Host host : target.hosts()) {
            String other = addresses.putIfAbsent(host.address(), host.name());
            if (other != null) {
                error(hostsPath + "." + host.name() + ".address", "address " + host.address() + " is already used by host " + other);
            }
        }
        var edge = target.edge();
        Map<Integer, String> ports = new HashMap<>();
        checkPort(ports, edge.httpPort(), "edge.http_port", base);
        checkPort(ports, edge.httpsPort(), "edge.https_port", base);
        checkPort(ports, edge.staticPort(), "edge.static_port", base);
        if (ports.containsKey(descriptor.backend().port())) {
            error("backend.port", "port " + descriptor.backend().port() + " is also " + base + "." + ports.get(descriptor.backend().port()));
        }
        if (ports.containsKey(descriptor.database().port())) {
            error("database.port", "port " + descriptor.database().port() + " is also " + base + "." + ports.get(descriptor.database().port()));
        }
    }

    /** Each exclusion names one rule or one tag, and says it once. */
    private void wafExclusions(WafSettings waf, String path) {
        Set<WafExclusion> seen = new HashSet<>();
        for (int i = 0; i < waf.exclusions().size(); i++) {
            WafExclusion exclusion = waf.exclusions().get(i);
            String itemPath = path + "[" + i + "]";
            if (exclusion.ruleId().isPresent() == exclusion.tag().isPresent()) {
                error(itemPath, "give either rule (a CRS rule id such as 932115) or tag (such as attack-rce), not "
                        + (exclusion.ruleId().isPresent() ? "both" : "neither"));
            } else if (!seen.add(exclusion)) {
                error(itemPath, "the same exclusion is listed twice");
            }
        }
        if (!waf.crs() && !waf.exclusions().isEmpty()) {
            warning(path, "the WAF is off (waf.crs: false), so these exclusions have no effect");
        }
    }

    /**
     * The repository lives on exactly one host of its own: pgBackRest keeps one repository per stanza,
     * and a repository on a database host would be lost with the data it is there to bring back.
     */
    private void backupRepository(AppDescriptor descriptor, OnpremTarget target, String hostsPath) {
        List<Host> repositories = target.hostsWith(Role.BACKUP);
        var bucket = descriptor.database().backup().flatMap(io.tierlift.model.BackupSettings::s3);
        if (bucket.isPresent()) {
            s3Repository(bucket.get(), repositories, hostsPath);
            return;
        }
        if (descriptor.database().backup().isPresent()) {
            if (repositories.size() != 1) {
                error(repositories.isEmpty() ? "database.backup" : hostsPath, "database.backup needs exactly one host with role backup "
                        + "(where the repository lives), found " + repositories.size()
                        + (repositories.isEmpty() ? "" : " (" + names(repositories) + ")"));
            }
        } else {
            for (Host host : repositories) {
                error(hostsPath + "." + host.name() + ".roles", "host " + host.name() + " has role backup but there is no "
                        + "database.backup section (its encryption key and schedule); add one or drop the role");
            }
        }
        for (Host host : repositories) {
            if (host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) {
                error(hostsPath + "." + host.name() + ".roles", "the backup repository cannot share a host with the database: "
                        + "losing " + host.name() + " would lose the backups with the data; give role backup to another host");
            }
        }
    }

    /**
     * A bucket is the one repository: pgBackRest keeps one per stanza here, so a host with role backup
     * beside it would hold a second one nothing writes to. An endpoint given as an address has no
     * name a bucket could be put in front of, so it is only reachable with path-style requests.
     */
    private void s3Repository(io.tierlift.model.S3Repository s3, List<Host> repositories, String hostsPath) {
        for (Host host : repositories) {
            error(hostsPath + "." + host.name() + ".roles", "host " + host.name() + " has role backup but "
                    + "database.backup.repository.s3 keeps the repository in bucket " + s3.bucket()
                    + "; drop the role (the database hosts write to the bucket themselves)");
        }
        if (io.tierlift.model.Ipv4.isValid(s3.endpointHost()) && s3.uriStyle().equals("host")) {
            error("database.backup.repository.s3.endpoint", "endpoint " + s3.endpoint() + " is an IP address, which "
                    + "cannot carry the bucket's name in front of it; add uri_style: path");
        }
    }

    /**
     * The managed record must be the name each tier answers to: nginx only serves its domain, and
     * CloudFront refuses requests for a name that is not one of its aliases (which in turn needs
     * a certificate), so a record pointing elsewhere would switch users to an error page.
     */
    private void dns(AppDescriptor descriptor, DnsSettings dns) {
        descriptor.targets().onprem().ifPresent(t -> {
            if (!t.domain().equals(dns.name())) {
                error("targets.onprem.domain", "dns.name is " + dns.name() + " but the on-prem edge serves " + t.domain()
                        + "; use the same name in both");
            }
        });
        descriptor.targets().awsIaas().ifPresent(t -> awsDomain("targets.aws-iaas", t.domain().orElse(null), dns));
        descriptor.targets().awsServerless().ifPresent(t -> awsDomain("targets.aws-serverless", t.domain().orElse(null), dns));
    }

    private void awsDomain(String base, String domain, DnsSettings dns) {
        if (domain == null) {
            error(base, "dns.name " + dns.name() + " can only point at CloudFront when the distribution has it as an alias: "
                    + "set domain: " + dns.name() + " (and cloudfront_certificate_arn covering it)");
        } else if (!domain.equals(dns.name())) {
            error(base + ".domain", "dns.name is " + dns.name() + " but the distribution's alias is " + domain
                    + "; use the same name in both");
        }
    }

    private void checkPort(Map<Integer, String> ports, int port, String key, String base) {
        String other = ports.putIfAbsent(port, key);
        if (other != null) {
            error(base + "." + key, "port " + port + " is also " + base + "." + other);
        }
    }

    private void awsIaas(AwsIaasTarget target) {
        String base = "targets.aws-iaas";
        Cidr vpc = target.vpcCidr();
        if (vpc.prefix() < 16 || vpc.prefix() > 24) {
            error(base + ".vpc_cidr", "a VPC network must be between /16 and /24 (AWS's limits), got /" + vpc.prefix());
        }
        var scaling = target.scaling();
        if (scaling.min() > scaling.max()) {
            error(base + ".scaling.min", "min (" + scaling.min() + ") is larger than max (" + scaling.max() + ")");
        }
        if (scaling.desired() < scaling.min() || scaling.desired() > scaling.max()) {
            error(base + ".scaling.desired", "desired (" + scaling.desired() + ") must be between min and max");
        }
        target.certificateArn().ifPresent(arn -> {
            if (!arn.contains(":acm:" + target.region() + ":")) {
                error(base + ".certificate_arn", "the ALB's certificate must be in the app's region " + target.region());
            }
        });
        cloudfrontCertificate(base, target.cloudfrontCertificateArn().orElse(null), target.domain().isPresent());
        if (target.certificateArn().isPresent() && target.originDomain().isEmpty()) {
            error(base + ".certificate_arn", "CloudFront reaches the ALB over HTTPS by a name the certificate covers; "
                    + "set origin_domain to that name (a DNS record pointing at the ALB)");
        }
        if (target.certificateArn().isEmpty() && !target.allowHttp()) {
            error(base + ".certificate_arn", "the ALB needs an HTTPS certificate; set certificate_arn, or allow_http: true to accept plain HTTP from CloudFront");
        }
        if (!target.database().multiAz()) {
            warning(base + ".database.multi_az", "a single-AZ database has no standby; an AZ outage takes the app down");
        }
    }

    private void awsServerless(AwsServerlessTarget target) {
        String base = "targets.aws-serverless";
        Cidr vpc = target.vpcCidr();
        if (vpc.prefix() < 16 || vpc.prefix() > 24) {
            error(base + ".vpc_cidr", "a VPC network must be between /16 and /24 (AWS's limits), got /" + vpc.prefix());
        }
        var db = target.database();
        if (db.minAcu() > db.maxAcu()) {
            error(base + ".database.min_acu", "min_acu (" + db.minAcu() + ") is larger than max_acu (" + db.maxAcu() + ")");
        }
        if (db.minAcu() * 2 != Math.floor(db.minAcu() * 2) || db.maxAcu() * 2 != Math.floor(db.maxAcu() * 2)) {
            error(base + ".database", "Aurora capacity comes in steps of 0.5 ACU");
        }
        if (db.minAcu() == 0 && !io.tierlift.model.AuroraSettings.supportsAutoPause(db.engineVersion())) {
            error(base + ".database.engine_version", "Aurora " + db.engineVersion() + " can't pause at 0 ACU; it needs "
                    + "13.15, 14.12, 15.7, 16.3 or later (or set min_acu to 0.5)");
        }
        cloudfrontCertificate(base, target.cloudfrontCertificateArn().orElse(null), target.domain().isPresent());
    }

    private void cloudfrontCertificate(String base, String arn, boolean hasDomain) {
        if (arn != null && !arn.contains(":acm:us-east-1:")) {
            error(base + ".cloudfront_certificate_arn", "CloudFront only accepts certificates from us-east-1");
        }
        if (hasDomain && arn == null) {
            error(base + ".domain", "a CloudFront alias needs cloudfront_certificate_arn covering that name");
        }
    }

    private static String names(List<Host> hosts) {
        return String.join(", ", hosts.stream().map(Host::name).toList());
    }

    private void error(String path, String message) {
        diagnostics.error(sourceMap.positionOf(path), path, message);
    }

    private void warning(String path, String message) {
        diagnostics.warning(sourceMap.positionOf(path), path, message);
    }
}
