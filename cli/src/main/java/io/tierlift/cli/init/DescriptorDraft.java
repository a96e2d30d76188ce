package io.tierlift.cli.init;

import java.util.Locale;

/**
 * The app.yaml that {@code tierlift init} writes: what was detected, the operator's answers, and
 * for each tier the seed topology of the examples, commented so a person knows what to change.
 * Text, not a YAML dump, because the comments are half of its value.
 */
public final class DescriptorDraft {
    /** The operator's choices; everything else comes from detection or the seed defaults. */
    public record Answers(String app, String domain, String region) {
    }

    public String yaml(DetectedApp found, Answers answers) {
        String app = answers.app();
        String env = app.toUpperCase(Locale.ROOT).replace('-', '_');
        StringBuilder y = new StringBuilder();
        y.append("# Written by `tierlift init`. Check it, then: tierlift validate -f app.yaml\n");
        found.notes().forEach(note -> y.append("# TODO: ").append(note).append('\n'));
        y.append("app: ").append(q(app)).append('\n');
        y.append('\n');
        y.append("frontend:\n");
        y.append("  path: ").append(q(found.frontendPath().orElse("frontend"))).append(from(found, "frontend.path")).append('\n');
        y.append("  build: ").append(q(found.frontendBuild().orElse("npm ci && npm run build"))).append(from(found, "frontend.build")).append('\n');
        y.append("  dist: ").append(q(found.frontendDist().orElse("frontend/dist"))).append(from(found, "frontend.dist"))
                .append(", the folder with index.html after the build\n");
        y.append('\n');
        y.append("backend:\n");
        y.append("  path: ").append(q(found.backendPath().orElse("."))).append(from(found, "backend.path")).append(", Python imports start here\n");
        y.append("  wsgi: ").append(q(found.wsgi().orElse("app:app"))).append(from(found, "backend.wsgi")).append('\n');
        y.append("  python: ").append(q(found.python())).append(found.pythonSource().map(s -> "   # from " + s).orElse("   # default; no .python-version, runtime.txt or requires-python found")).append('\n');
        y.append("  requirements: ").append(q(found.requirements().orElse("requirements.txt"))).append(from(found, "backend.requirements")).append('\n');
        y.append("  health: ").append(q(found.health().orElse("/api/health"))).append(from(found, "backend.health")).append('\n');
        found.releaseCommand().ifPresentOrElse(
                c -> y.append("  release_command: ").append(q(c)).append(from(found, "backend.release_command"))
                        .append(", runs once per release, on one app host\n"),
                () -> y.append("  # release_command: \"python -m yourapp.migrate\"   # schema migrations, once per release\n"));
        y.append("  port: 8000\n");
        y.append('\n');
        y.append("database:\n");
        y.append("  name: ").append(q(app.replace('-', '_'))).append('\n');
        y.append("  user: ").append(q(app.replace('-', '_'))).append('\n');
        y.append("  password: \"${env:").append(env).append("_DB_PASSWORD}\"                  # a reference, never the value\n");
        y.append("  replication_password: \"${env:").append(env).append("_REPLICATION_PASSWORD}\"\n");
        y.append("  version: 15\n");
        y.append("  backup:                                                     # pgBackRest on the backup host, WAL archived continuously\n");
        y.append("    key: \"${env:").append(env).append("_BACKUP_KEY}\"                # encrypts the repository; keep a copy apart from the servers\n");
        y.append("    # full: \"Sun *-*-* 01:00:00\"   differential: \"Mon..Sat *-*-* 01:00:00\"   retention_full: 2\n");
        y.append('\n');
        y.append("targets:\n");
        y.append("  # The seed topology: a WAF/proxy/static edge host, two app hosts, a primary, a hot standby and a backup host.\n");
        y.append("  # The 10.0.x.y addresses are PLACEHOLDERS: replace them with your hosts' IPv4 addresses.\n");
        y.append("  onprem:\n");
        y.append("    ssh: { user: deploy, identity: ~/.ssh/id_ed25519, known_hosts: ~/.ssh/known_hosts }\n");
        y.append("    domain: ").append(q(answers.domain())).append('\n');
        y.append("    tls: { certificate: ").append(q("/etc/ssl/" + app + ".crt")).append(", key: \"${file:/secure/").append(app).append(".key}\" }\n");
        y.append("    waf: { crs: true, paranoia: 1 }\n");
        y.append("    admin_networks: [10.0.0.0/24]   # PLACEHOLDER: where SSH may come from\n");
        y.append("    hosts:\n");
        y.append("      edge1: { address: 10.0.1.10, zone: dmz,     roles: [waf, proxy, static] }\n");
        y.append("      app1:  { address: 10.0.2.11, zone: trusted, roles: [app] }\n");
        y.append("      app2:  { address: 10.0.2.12, zone: trusted, roles: [app] }\n");
        y.append("      db1:   { address: 10.0.3.21, zone: trusted, roles: [db-primary] }\n");
        y.append("      db2:   { address: 10.0.3.22, zone: trusted, roles: [db-standby] }\n");
        y.append("      bak1:  { address: 10.0.3.30, zone: trusted, roles: [backup] }\n");
        y.append('\n');
        y.append("  aws-iaas:\n");
        y.append("    region: ").append(q(answers.region())).append('\n');
        y.append("    vpc_cidr: 10.20.0.0/16\n");
        y.append("    nat: single                      # one NAT gateway; 'per-az' for zone-independent egress\n");
        y.append("    instance_type: t3.small\n");
        y.append("    scaling: { min: 2, max: 6, cpu_target: 50 }\n");
        y.append("    database: { class: db.t4g.medium, multi_az: true }\n");
        y.append("    # TODO: CloudFront reaches the ALB over plain HTTP until you set an ACM certificate for origin_domain:\n");
        y.append("    #   certificate_arn: arn:aws:acm:REGION:ACCOUNT:certificate/ID\n");
        y.append("    #   origin_domain: origin.").append(answers.domain()).append("\n");
        y.append("    # and then remove allow_http.\n");
        y.append("    allow_http: true\n");
        y.append('\n');
        y.append("  aws-serverless:\n");
        y.append("    region: ").append(q(answers.region())).append('\n');
        y.append("    lambda: { memory_mb: 1024, timeout_s: 15 }\n");
        y.append("    database: { min_acu: 0, max_acu: 8 }   # 0: Aurora pauses when idle\n");
        return y.toString();
    }

    /** "   # from backend/app.py:12" for a guessed field, "   # TODO: not detected" for a default. */
    private static String from(DetectedApp found, String field) {
        return found.evidence(field).map(e -> "   # from " + e).orElse("   # TODO: not detected");
    }

    /** A double-quoted YAML scalar (JSON escapes are valid YAML). */
    static String q(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
