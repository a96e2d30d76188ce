package io.tierlift.descriptor.schema;

import io.tierlift.model.Role;

import java.util.Arrays;
import java.util.List;

import static io.tierlift.descriptor.schema.ShapeBuilder.bool;
import static io.tierlift.descriptor.schema.ShapeBuilder.integer;
import static io.tierlift.descriptor.schema.ShapeBuilder.list;
import static io.tierlift.descriptor.schema.ShapeBuilder.map;
import static io.tierlift.descriptor.schema.ShapeBuilder.number;
import static io.tierlift.descriptor.schema.ShapeBuilder.object;
import static io.tierlift.descriptor.schema.ShapeBuilder.oneOf;
import static io.tierlift.descriptor.schema.ShapeBuilder.optional;
import static io.tierlift.descriptor.schema.ShapeBuilder.required;
import static io.tierlift.descriptor.schema.ShapeBuilder.text;

/** The tierlift descriptor, key by key. Defaults written here are the defaults everywhere. */
public final class DescriptorSchema {
    public static final ObjectShape FRONTEND = object("The React single-page app and how to build it.",
            optional("path", text(Format.RELATIVE_PATH, "Folder of the React sources."), "frontend", "frontend"),
            optional("build", text(Format.COMMAND, "Command that builds the static files, run in `path`."),
                    "npm ci && npm run build", "npm ci && npm run build"),
            optional("dist", text(Format.RELATIVE_PATH, "Folder the build writes (index.html and hashed assets)."),
                    "frontend/dist", "frontend/dist"));

    public static final ObjectShape BACKEND = object("The Flask API served by Gunicorn.",
            optional("path", text(Format.RELATIVE_PATH, "Folder of the Python package."), "backend", "backend"),
            required("wsgi", text(Format.WSGI, "WSGI entry point."), "notes.app:app"),
            optional("python", text(Format.PYTHON_VERSION, "Python version the app needs."), "3.11", "3.11"),
            optional("requirements", text(Format.RELATIVE_PATH, "Requirements file, relative to `path`."),
                    "requirements.txt", "requirements.txt"),
            optional("system_packages", map(Format.DEBIAN_PACKAGE, text(Format.PYTHON_PROJECT,
                    "The Python project the Debian package provides."), 50,
                    "On-prem app hosts: Debian packages that provide Python projects in place of wheels (binary "
                            + "modules for a Python no wheel exists for). They are installed with the host's packages, the "
                            + "virtualenv sees them, and the projects they provide are left out of the wheelhouse."),
                    null, "{ python3-psycopg2: psycopg2-binary, python3-markupsafe: markupsafe }"),
            optional("include", list(text(Format.RELATIVE_PATH, "File or folder, relative to `path`."), 0, 50, true,
                    "Files and folders (everything in them) releases carry although they are left out by default (`.env*`, ignored by `.gitignore` or "
                            + "`.tierliftignore`) or look like secrets (dotenv files, private keys): include them on purpose."),
                    null, "[certs/upstream-ca.pem]"),
            optional("health", text(Format.URL_PATH, "Health check path: 200 when the app and its database work."),
                    "/api/health", "/api/health"),
            optional("release_command", text(Format.COMMAND,
                    "Run once per deploy before new code takes traffic (database migrations)."), null, "python -m notes.migrate"),
            optional("port", integer(1024, 65535, "Port Gunicorn listens on."), 8000L, "8000"),
            optional("workers", integer(1, 64, "Gunicorn workers; default 2 x CPUs + 1 of each host."), null, "3"),
            optional("timeout", text(Format.DURATION, "Worker timeout."), "30s", "30s"),
            optional("graceful_timeout", text(Format.DURATION, "Time a worker gets to finish requests on restart."),
                    "20s", "20s"),
            optional("env", map(Format.ENV_NAME, text(Format.ENV_VALUE,
                    "Value, or a secret reference resolved only on the host."), 100,
                    "The app's own environment variables (DATABASE_URL and DATABASE_READ_URL are set by tierlift)."),
                    null, "{ NOTES_PAGE_SIZE: \"50\" }"));

    static final ObjectShape S3_REPOSITORY = object("An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...) holding the "
            + "pgBackRest repository in place of a host with role backup. The database hosts write to it themselves: "
            + "the primary archives its WAL and takes the scheduled backups (every database host has the schedule; "
            + "it runs only where PostgreSQL is the primary, so a failover needs no deploy), each database host "
            + "keeps the bucket's keys in pgbackrest.conf (mode 0640, owner postgres), never on a command line.",
            required("endpoint", text(Format.S3_ENDPOINT, "The S3 endpoint as host or host:port, reached over HTTPS "
                    + "with the certificate checked."), "s3.eu-west-1.amazonaws.com"),
            required("bucket", text(Format.S3_BUCKET, "The bucket; it must exist (tierlift does not create it)."),
                    "notes-backups"),
            optional("region", text(Format.S3_REGION, "The region requests are signed for."), "us-east-1", "eu-west-1"),
            optional("uri_style", oneOf(List.of("host", "path"), "host: bucket.endpoint/key (AWS); path: "
                    + "endpoint/bucket/key (most S3-compatible stores, and any endpoint given as an IP address)."),
                    "host", "path"),
            required("key", text(Format.SECRET, "Access key id, as a reference."), "${env:NOTES_S3_KEY}"),
            required("secret_key", text(Format.SECRET, "Secret access key, as a reference."), "${env:NOTES_S3_SECRET_KEY}"),
            optional("ca", text(Format.SECRET, "The CA certificate (PEM) that signs the endpoint's certificate when "
                    + "the system's CAs do not, as a reference (${file:...} on this machine); placed on the database "
                    + "hosts."), null, "${file:~/certs/s3-ca.crt}"),
            optional("path", text(Format.ABSOLUTE_PATH, "Folder inside the bucket that holds the repository."),
                    "/pgbackrest", "/pgbackrest"));

    static final ObjectShape BACKUP_REPOSITORY = object("Where the repository is when it is not on the host with role backup.",
            required("s3", S3_REPOSITORY, "{ endpoint: s3.eu-west-1.amazonaws.com, bucket: notes-backups, key: ..., secret_key: ... }"));

    static final ObjectShape BACKUP = object("Backups of the database and its write-ahead log. On-prem: a pgBackRest "
            + "repository on the host with role backup (or in an S3-compatible bucket, `repository.s3`), encrypted, "
            + "with the WAL archived continuously from the primary.",
            required("key", text(Format.SECRET, "Encryption key of the repository (aes-256-cbc), as a reference. "
                    + "Without it no backup can be read: keep it apart from the backup host."), "${env:NOTES_BACKUP_KEY}"),
            optional("full", text(Format.ON_CALENDAR, "When full backups run (systemd OnCalendar). A backup host "
                    + "without systemd runs them from cron: daily, weekly, or [weekdays] *-*-* HH:MM."),
                    "Sun *-*-* 01:00:00", "Sun *-*-* 01:00:00"),
            optional("differential", text(Format.ON_CALENDAR,
                    "When differential backups (changes since the last full one) run (systemd OnCalendar)."),
                    "Mon..Sat *-*-* 01:00:00", "Mon..Sat *-*-* 01:00:00"),
            optional("retention_full", integer(1, 99, "Full backups kept; older ones and the WAL only they need are expired."),
                    2L, "2"),
            optional("repository", BACKUP_REPOSITORY, null, null));

    public static final ObjectShape DATABASE = object("The app's PostgreSQL database, the same in every tier.",
            required("name", text(Format.PG_IDENTIFIER, "Database name."), "notes"),
            required("user", text(Format.PG_IDENTIFIER, "Role the app connects as."), "notes"),
            required("password", text(Format.SECRET, "The app role's password, as a reference."), "${env:NOTES_DB_PASSWORD}"),
            optional("version", integer(13, 17, "PostgreSQL major version."), 15L, "15"),
            optional("port", integer(1, 65535, "Port PostgreSQL listens on."), 5432L, "5432"),
            optional("replication_user", text(Format.PG_IDENTIFIER, "Role the standby replicates as."),
                    "replicator", "replicator"),
            optional("replication_password", text(Format.SECRET,
                    "The replication role's password; required when there is a standby."), null,
                    "${env:NOTES_REPLICATION_PASSWORD}"),
            optional("slow_query", text(Format.DURATION, "Statements that take longer are logged with their duration "
                    + "and the client's application_name (PostgreSQL's log_min_duration_statement, on every tier; RDS and Aurora "
                    + "show no application_name); 0s logs every one."),
                    "1s", "1s"),
            optional("backup", BACKUP, null, null));

    static final ObjectShape SSH = object("How tierlift reaches the hosts; unset values come from the OpenSSH config.",
            optional("user", text(Format.NAME, "Login user (sudo is used when it is not root)."), null, "deploy"),
            optional("identity", text(Format.LOCAL_PATH, "Private key file."), null, "~/.ssh/id_ed25519"),
            optional("known_hosts", text(Format.LOCAL_PATH, "known_hosts file; host keys are checked strictly."),
                    null, "~/.ssh/known_hosts"),
            optional("config", text(Format.LOCAL_PATH, "OpenSSH client config to read (Host, HostName, User, Port, IdentityFile, ProxyJump)."),
                    null, "~/.ssh/config"),
            optional("port", integer(1, 65535, "SSH port."), null, "22"),
            optional("connect_timeout", text(Format.DURATION, "TCP connect and handshake timeout."), "10s", "10s"),
            optional("parallelism", integer(1, 256, "Hosts worked on at once."), 32L, "32"),
            optional("sudo", bool("Use sudo for commands when the login user is not root."), true, "true"));

    static final ObjectShape TLS = object("TLS certificate for the edge. Without it a self-signed certificate is made (development only).",
            required("certificate", text(Format.ABSOLUTE_PATH, "Certificate chain file on the edge host."), "/etc/ssl/notes.crt"),
            required("key", text(Format.SECRET, "Private key, as a reference; placed on the host with mode 0600."),
                    "${file:/secure/notes.key}"));

    static final ObjectShape WAF_EXCLUSION = object("One CRS rule (by id or by tag) that no longer inspects one target, "
            + "on every path or only under one path. Give rule or tag, not both.",
            optional("rule", integer(900000, 999999, "Id of the CRS rule, e.g. 932115 (the id a blocked request's audit log names)."),
                    null, "932115"),
            optional("tag", text(Format.WAF_TAG, "Every CRS rule with this tag, e.g. attack-rce."), null, "attack-rce"),
            required("target", text(Format.WAF_TARGET, "What the rule no longer inspects, e.g. ARGS:json.body (the body "
                    + "field of a JSON request)."), "ARGS:json.body"),
            optional("path", text(Format.URL_PATH, "Only requests whose path starts with this; default every path."),
                    null, "/api/notes"));

    static final ObjectShape WAF = object("ModSecurity v3 with the OWASP Core Rule Set on the edge.",
            optional("crs", bool("Turn the WAF on."), true, "true"),
            optional("paranoia", integer(1, 4, "CRS paranoia level: higher blocks more, with more false positives."), 1L, "1"),
            optional("mode", oneOf(List.of("block", "detect"), "block: refuse requests that reach the threshold "
                    + "(SecRuleEngine On); detect: only log them (DetectionOnly), for a learning period that "
                    + "`tierlift waf report` reads. status shows the mode and audit flags detect."), "block", "block"),
            optional("anomaly_threshold", integer(1, 100, "Inbound anomaly score that blocks a request."), 5L, "5"),
            optional("exclusions", list(WAF_EXCLUSION, 0, 200, false, "CRS rule exclusions, tuned from real traffic "
                    + "(`tierlift waf report` proposes them). Rendered as ModSecurity runtime exclusions (rule ids "
                    + "10000-10199, in order) loaded before the CRS rules."), null,
                    "[{ rule: 932115, target: \"ARGS:json.body\", path: /api/notes }]"));

    static final ObjectShape EDGE = object("Ports and request limits of the nginx edge.",
            optional("http_port", integer(1, 65535, "Plain HTTP port (redirects to HTTPS)."), 80L, "80"),
            optional("https_port", integer(1, 65535, "HTTPS port."), 443L, "443"),
            optional("static_port", integer(1, 65535, "Port of the static file server behind the proxy."), 8080L, "8080"),
            optional("max_body_size", text(Format.SIZE, "Largest request body."), "1m", "1m"),
            optional("rate_limit", integer(1, 100000, "Requests per second per client address to /api."), 20L, "20"),
            optional("rate_burst", integer(0, 100000, "Requests above the rate allowed in a burst."), 40L, "40"));

    static final ObjectShape HOST = object("One host and the roles it plays.",
            required("address", text(Format.HOST, "Address other hosts use to reach it; services bind to it."), "10.0.2.11"),
            optional("zone", text(Format.NAME, "Network zone, e.g. dmz or trusted."), "trusted", "trusted"),
            required("roles", list(oneOf(Arrays.stream(Role.values()).map(Role::key).toList(), "Role."),
                    1, Role.values().length, true, "Roles: waf, proxy, static, app, db-primary, db-standby, backup."), "[app]"),
            optional("ssh_host", text(Format.HOST, "Where to connect over SSH if not the address (an OpenSSH config Host works)."),
                    null, "app1.internal"),
            optional("ssh_port", integer(1, 65535, "SSH port of this host."), null, "22"),
            optional("workers", integer(1, 64, "Gunicorn workers on this host."), null, "3"));

    static final ObjectShape ONPREM = object("Hosts you run, configured over SSH.",
            optional("ssh", SSH, null, null),
            required("domain", text(Format.DOMAIN, "Public name of the site."), "notes.example.com"),
            optional("tls", TLS, null, null),
            optional("waf", WAF, null, null),
            optional("edge", EDGE, null, null),
            optional("admin_networks", list(text(Format.CIDR, "Network."), 0, 32, true,
                    "Networks SSH may come from (host firewalls)."), null, "[10.0.0.0/24]"),
            required("hosts", map(Format.NAME, HOST, 64, "Hosts by name."), null),
            optional("app_root", text(Format.ABSOLUTE_PATH, "Where releases live on the hosts."), null, "/srv/notes"),
            optional("releases_kept", integer(1, 50, "Releases kept on each host for rollback."), 5L, "5"));

    static final ObjectShape SCALING = object("Auto Scaling Group sizes.",
            optional("min", integer(0, 1000, "Fewest instances."), 2L, "2"),
            optional("max", integer(1, 1000, "Most instances."), 6L, "6"),
            optional("desired", integer(0, 1000, "Instances to start with; default min."), null, "2"),
            optional("cpu_target", integer(10, 90, "Average CPU percentage target tracking keeps."), 50L, "50"));

    static final ObjectShape RDS = object("RDS PostgreSQL.",
            optional("class", text(Format.DB_INSTANCE_CLASS, "Instance class."), "db.t4g.medium", "db.t4g.medium"),
            optional("multi_az", bool("Synchronous standby in a second AZ."), true, "true"),
            optional("storage_gb", integer(20, 65536, "Allocated storage."), 20L, "20"),
            optional("backup_retention_days", integer(1, 35, "Automated backup retention."), 7L, "7"),
            optional("deletion_protection", bool("Refuse deletion until turned off."), true, "true"),
            optional("engine_version", text(Format.VERSION, "Engine version; default the database version."), null, "15"));

    static final ObjectShape AWS_IAAS = object("EC2 behind an ALB, RDS, S3 + CloudFront + WAF.",
            required("region", text(Format.AWS_REGION, "Region of the app."), "eu-west-1"),
            optional("vpc_cidr", text(Format.CIDR, "VPC network (/16 to /24)."), "10.20.0.0/16", "10.20.0.0/16"),
            optional("nat", oneOf(List.of("single", "per-az"), "One NAT gateway, or one per availability zone."),
                    "single", "single"),
            optional("instance_type", text(Format.INSTANCE_TYPE, "EC2 instance type."), "t3.small", "t3.small"),
            optional("scaling", SCALING, null, null),
            optional("database", RDS, null, null),
            optional("certificate_arn", text(Format.ACM_CERTIFICATE_ARN, "ACM certificate for the ALB (app region)."),
                    null, "arn:aws:acm:eu-west-1:123456789012:certificate/abcd"),
            optional("origin_domain", text(Format.DOMAIN, "DNS name of the ALB that certificate_arn covers; CloudFront "
                    + "checks the ALB's certificate against it. With a dns section the compute stack makes it an alias of the ALB "
                    + "in that zone; without one, point it at the ALB's DNS name (the deploy recap names it and checks)."), null, "origin.notes.example.com"),
            optional("cloudfront_certificate_arn", text(Format.ACM_CERTIFICATE_ARN,
                    "ACM certificate for CloudFront (must be in us-east-1)."), null,
                    "arn:aws:acm:us-east-1:123456789012:certificate/abcd"),
            optional("domain", text(Format.DOMAIN, "Alias of the CloudFront distribution."), null, "notes.example.com"),
            optional("allow_http", bool("Allow plain HTTP between CloudFront and the ALB when there is no certificate."),
                    false, "false"),
            optional("waf_rate_limit", integer(100, 2000000000, "Requests per 5 minutes per client address."), 2000L, "2000"));

    static final ObjectShape LAMBDA = object("The Lambda function running the Flask app.",
            optional("memory_mb", integer(128, 10240, "Memory (CPU scales with it)."), 1024L, "1024"),
            optional("timeout_s", integer(1, 29, "Timeout; API Gateway stops waiting at 29 s."), 15L, "15"),
            optional("reserved_concurrency", integer(1, 1000, "Reserved concurrency."), null, "50"),
            optional("architecture", oneOf(List.of("x86_64", "arm64"), "CPU architecture."), "x86_64", "x86_64"));

    static final ObjectShape AURORA = object("Aurora Serverless v2 PostgreSQL.",
            optional("min_acu", number(0, 256, "Least capacity; 0 lets the cluster pause when idle."), 0.5, "0.5"),
            optional("max_acu", number(1, 256, "Most capacity."), 8.0, "8"),
            optional("backup_retention_days", integer(1, 35, "Automated backup retention."), 7L, "7"),
            optional("deletion_protection", bool("Refuse deletion until turned off."), true, "true"),
            optional("engine_version", text(Format.VERSION, "Aurora PostgreSQL engine version (pausing at 0 ACU needs 13.15, 14.12, 15.7, 16.3 or later)."), "16.6", "16.6"),
            optional("seconds_until_auto_pause", integer(300, 86400, "Idle time before pausing (min_acu 0 only)."),
                    300L, "300"));

    static final ObjectShape AWS_SERVERLESS = object("Lambda behind API Gateway, Aurora Serverless v2, S3 + CloudFront + WAF.",
            required("region", text(Format.AWS_REGION, "Region of the app."), "eu-west-1"),
            optional("vpc_cidr", text(Format.CIDR, "VPC network for Lambda and Aurora."), "10.30.0.0/16", "10.30.0.0/16"),
            optional("lambda", LAMBDA, null, null),
            optional("database", AURORA, null, null),
            optional("cloudfront_certificate_arn", text(Format.ACM_CERTIFICATE_ARN,
                    "ACM certificate for CloudFront (must be in us-east-1)."), null,
                    "arn:aws:acm:us-east-1:123456789012:certificate/abcd"),
            optional("domain", text(Format.DOMAIN, "Alias of the CloudFront distribution."), null, "notes.example.com"),
            optional("waf_rate_limit", integer(100, 2000000000, "Requests per 5 minutes per client address."), 2000L, "2000"),
            optional("api_throttle_rate", integer(1, 100000, "API Gateway steady requests per second."), 100L, "100"),
            optional("api_throttle_burst", integer(1, 100000, "API Gateway burst."), 200L, "200"));

    static final ObjectShape TARGETS = object("Where the app can run. Describe one or more tiers.",
            optional("onprem", ONPREM, null, null),
            optional("aws-iaas", AWS_IAAS, null, null),
            optional("aws-serverless", AWS_SERVERLESS, null, null));

    static final ObjectShape DNS = object("The public DNS record tierlift points at the tier that serves the app: "
            + "`migrate` moves it to the new tier as its last step (on-prem: A records of the proxy hosts; AWS: an alias "
            + "to the CloudFront distribution). Without it, migrate prints the record to change.",
            optional("provider", oneOf(List.of("route53"), "Who hosts the zone."), "route53", "route53"),
            required("zone_id", text(Format.ROUTE53_ZONE_ID, "Hosted zone that holds the name."), "Z0123456789ABCDEFGHIJ"),
            required("name", text(Format.DOMAIN, "The record users reach the app by."), "notes.example.com"),
            optional("ttl", integer(0, 86400, "TTL of on-prem A records in seconds; low, so a switch takes effect fast "
                    + "(alias records to CloudFront have none of their own)."), 60L, "60"));

    /** Keys an environment overlay may change: everything but the app name and the overlays themselves. */
    static final ObjectShape OVERLAY = object("Values merged over the base descriptor for this environment.",
            optional("frontend", FRONTEND, null, null),
            optional("backend", BACKEND, null, null),
            optional("database", DATABASE, null, null),
            optional("targets", TARGETS, null, null),
            optional("dns", DNS, null, null));

    public static final ObjectShape ROOT = object("A three-tier web app and the tiers it can run on.",
            required("app", text(Format.NAME, "Name of the app; used in paths, service and stack names."), "notes"),
            optional("frontend", FRONTEND, null, null),
            required("backend", BACKEND, null),
            required("database", DATABASE, null),
            required("targets", TARGETS, null),
            optional("dns", DNS, null, null),
            optional("environments", map(Format.NAME, OVERLAY, 32, "Named overlays, chosen with --env."), null, null));

    private DescriptorSchema() {
    }
}
