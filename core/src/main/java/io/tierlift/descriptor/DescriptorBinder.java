package io.tierlift.descriptor;

import io.tierlift.descriptor.schema.DescriptorSchema;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AuroraSettings;
import io.tierlift.model.AwsIaasTarget;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.model.Backend;
import io.tierlift.model.BackupSettings;
import io.tierlift.model.Cidr;
import io.tierlift.model.Database;
import io.tierlift.model.DnsSettings;
import io.tierlift.model.EdgeSettings;
import io.tierlift.model.EnvValue;
import io.tierlift.model.Frontend;
import io.tierlift.model.Host;
import io.tierlift.model.LambdaSettings;
import io.tierlift.model.NatMode;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.RdsSettings;
import io.tierlift.model.Role;
import io.tierlift.model.S3Repository;
import io.tierlift.model.Scaling;
import io.tierlift.model.SshSettings;
import io.tierlift.model.Targets;
import io.tierlift.model.TlsSettings;
import io.tierlift.model.WafExclusion;
import io.tierlift.model.WafMode;
import io.tierlift.model.WafSettings;
import io.tierlift.secret.SecretRef;
import org.yaml.snakeyaml.nodes.MappingNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns a validated node tree into the immutable model. Runs only when validation found no errors. */
final class DescriptorBinder {
    AppDescriptor bind(MappingNode root, String environment, Path baseDir) {
        NodeObject top = new NodeObject(root, DescriptorSchema.ROOT);
        String app = top.string("app");
        Database database = database(top.object("database"));
        return new AppDescriptor(app, environment, baseDir,
                frontend(top.object("frontend")),
                backend(top.object("backend")),
                database,
                targets(top.object("targets"), app, database),
                top.optObject("dns").map(this::dns));
    }

    private DnsSettings dns(NodeObject o) {
        return new DnsSettings(o.string("provider"), o.string("zone_id"), o.string("name"), o.integer("ttl"));
    }

    private Frontend frontend(NodeObject o) {
        return new Frontend(o.string("path"), o.string("build"), o.string("dist"));
    }

    private Backend backend(NodeObject o) {
        Map<String, EnvValue> env = new LinkedHashMap<>();
        o.stringMap("env").forEach((name, text) -> env.put(name, SecretRef.parse(text)
                .<EnvValue>map(EnvValue.Secret::new)
                .orElseGet(() -> new EnvValue.Literal(text))));
        return new Backend(o.string("path"), o.string("wsgi"), o.string("python"), o.string("requirements"),
                o.string("health"), o.optString("release_command"), o.integer("port"), o.optInteger("workers"),
                o.duration("timeout"), o.duration("graceful_timeout"), env, o.stringMap("system_packages"),
                o.strings("include"));
    }

    private Database database(NodeObject o) {
        SecretRef password = secret(o.string("password"));
        var replication = o.optString("replication_password").map(this::secret);
        return new Database(o.string("name"), o.string("user"), password, o.integer("version"), o.integer("port"),
                o.string("replication_user"), replication, o.duration("slow_query"), o.optObject("backup").map(this::backup));
    }

    private BackupSettings backup(NodeObject o) {
        return new BackupSettings(o.string("full"), o.string("differential"), o.integer("retention_full"),
                secret(o.string("key")), o.optObject("repository").map(r -> s3(r.object("s3"))));
    }

    private S3Repository s3(NodeObject o) {
        return new S3Repository(o.string("endpoint"), o.string("bucket"), o.string("region"), o.string("uri_style"),
                secret(o.string("key")), secret(o.string("secret_key")), o.optString("ca").map(this::secret), o.string("path"));
    }

    private Targets targets(NodeObject o, String app, Database database) {
        return new Targets(
                o.optObject("onprem").map(t -> onprem(t, app)),
                o.optObject("aws-iaas").map(t -> awsIaas(t, database)),
                o.optObject("aws-serverless").map(this::awsServerless));
    }

    private OnpremTarget onprem(NodeObject o, String app) {
        NodeObject ssh = o.object("ssh");
        SshSettings sshSettings = new SshSettings(ssh.optString("user"), ssh.optString("identity"),
                ssh.optString("known_hosts"), ssh.optString("config"), ssh.optInteger("port"),
                ssh.duration("connect_timeout"), ssh.integer("parallelism"), ssh.bool("sudo"));
        NodeObject waf = o.object("waf");
        NodeObject edge = o.object("edge");
        List<Host> hosts = new ArrayList<>();
        o.objects("hosts").forEach((name, h) -> hosts.add(host(name, h)));
        return new OnpremTarget(sshSettings, o.string("domain"),
                o.optObject("tls").map(t -> new TlsSettings(t.string("certificate"), secret(t.string("key")))),
                new WafSettings(waf.bool("crs"), waf.integer("paranoia"), WafMode.fromKey(waf.string("mode")).orElseThrow(),
                        waf.integer("anomaly_threshold"), waf.objectList("exclusions").stream().map(this::wafExclusion).toList()),
                new EdgeSettings(edge.integer("http_port"), edge.integer("https_port"), edge.integer("static_port"),
                        edge.string("max_body_size"), edge.integer("rate_limit"), edge.integer("rate_burst")),
                o.strings("admin_networks").stream().map(Cidr::parse).toList(),
                hosts,
                o.optString("app_root").orElse("/srv/" + app),
                o.integer("releases_kept"));
    }

    private WafExclusion wafExclusion(NodeObject o) {
        return new WafExclusion(o.optInteger("rule"), o.optString("tag"), o.string("target"), o.optString("path"));
    }

    private Host host(String name, NodeObject o) {
        Set<Role> roles = new LinkedHashSet<>();
        for (String key : o.strings("roles")) {
            roles.add(Role.fromKey(key).orElseThrow());
        }
        return new Host(name, o.string("address"), o.string("zone"), roles, o.optString("ssh_host"),
                o.optInteger("ssh_port"), o.optInteger("workers"));
    }

    private AwsIaasTarget awsIaas(NodeObject o, Database database) {
        NodeObject scaling = o.object("scaling");
        int min = scaling.integer("min");
        NodeObject db = o.object("database");
        return new AwsIaasTarget(o.string("region"), Cidr.parse(o.string("vpc_cidr")),
                o.string("nat").equals("per-az") ? NatMode.PER_AZ : NatMode.SINGLE,
                o.string("instance_type"),
                new Scaling(min, scaling.integer("max"), scaling.optInteger("desired").orElse(min), scaling.integer("cpu_target")),
                new RdsSettings(db.string("class"), db.bool("multi_az"), db.integer("storage_gb"),
                        db.integer("backup_retention_days"), db.bool("deletion_protection"),
                        db.optString("engine_version").orElse(String.valueOf(database.version()))),
                o.optString("certificate_arn"), o.optString("origin_domain"), o.optString("cloudfront_certificate_arn"),
                o.optString("domain"), o.bool("allow_http"), o.integer("waf_rate_limit"));
    }

    private AwsServerlessTarget awsServerless(NodeObject o) {
        NodeObject lambda = o.object("lambda");
        NodeObject db = o.object("database");
        return new AwsServerlessTarget(o.string("region"), Cidr.parse(o.string("vpc_cidr")),
                new LambdaSettings(lambda.integer("memory_mb"), lambda.integer("timeout_s"),
                        lambda.optInteger("reserved_concurrency"), lambda.string("architecture")),
                new AuroraSettings(db.number("min_acu"), db.number("max_acu"), db.integer("backup_retention_days"),
                        db.bool("deletion_protection"), db.string("engine_version"), db.integer("seconds_until_auto_pause")),
                o.optString("cloudfront_certificate_arn"), o.optString("domain"), o.integer("waf_rate_limit"),
                o.integer("api_throttle_rate"), o.integer("api_throttle_burst"));
    }

    private SecretRef secret(String text) {
        return SecretRef.parse(text).orElseThrow();
    }
}
