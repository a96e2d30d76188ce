package io.tierlift.onprem.destroy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.onprem.app.AppLayout;
import io.tierlift.render.onprem.backup.BackupLayout;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.render.onprem.firewall.FirewallRenderer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code destroy onprem} does to each host, computed from the descriptor and the files a deploy of
 * it places (its render), so the preview shown without {@code --yes} is exactly what runs with it.
 * Without data deletion the database tier stays as it is (the clusters keep running, replicating and,
 * with {@code database.backup}, archiving into the repository, whose schedule keeps backing them up):
 * only its firewall table goes. Packages and the app's system user stay: other software may use them.
 */
public record TeardownPlan(String app, String database, boolean deleteData, Optional<Path> dumpFile, List<HostTeardown> hosts) {
    public TeardownPlan {
        hosts = List.copyOf(hosts);
    }

    /** A service destroy stops and disables; with systemd its unit, without it the process tierlift started. */
    public enum Service {
        APP, NGINX, BACKUP_SCHEDULE, BACKUP_SERVER;

        String describe(String app) {
            return switch (this) {
                case APP -> "gunicorn (" + new AppLayout(app, "/").unitName() + ")";
                case NGINX -> "nginx";
                case BACKUP_SCHEDULE -> "the backup timers (" + BackupLayout.FULL_UNIT + ", " + BackupLayout.DIFF_UNIT
                        + "; postgres's crontab without systemd)";
                case BACKUP_SERVER -> "the pgBackRest server";
            };
        }
    }

    /**
     * One host: the services stopped, the paths removed (folders whole), what stays, and whether its
     * PostgreSQL cluster is dumped (the primary) and dropped. The firewall table and tierlift's own
     * state folder go from every host, last.
     */
    public record HostTeardown(Host host, List<Service> services, List<String> removed, List<String> removedIfEmpty,
                               List<String> kept, boolean dump, boolean dropCluster, boolean dropRepository) {
        public HostTeardown {
            services = List.copyOf(services);
            removed = List.copyOf(removed);
            removedIfEmpty = List.copyOf(removedIfEmpty);
            kept = List.copyOf(kept);
        }

        public String name() {
            return host.name();
        }
    }

    /** Every host's state folder: the deploy lease, the firewall's rollback state. */
    public static final String STATE_DIR = "/var/lib/tierlift";
    public static final String FIREWALL_TABLE = "inet tierlift";

    /** The final dump's file name: the app, the tier and when (UTC), so dumps of several destroys sit side by side. */
    public static String dumpFileName(String app, java.time.Instant when) {
        return app + "-onprem-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(java.time.ZoneOffset.UTC).format(when) + ".dump";
    }

    /**
     * The plan for {@code descriptor} whose deploy places {@code rendered}; {@code dumpFile} is where the
     * final dump goes on this machine when {@code deleteData}.
     */
    public static TeardownPlan of(AppDescriptor descriptor, List<RenderedFile> rendered, boolean deleteData, Path dumpFile) {
        OnpremTarget target = descriptor.targets().onprem()
                .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.onprem section"));
        Map<String, Set<String>> placed = new TreeMap<>();
        for (RenderedFile file : rendered) {
            int slash = file.location().indexOf('/');
            placed.computeIfAbsent(file.location().substring(0, slash), h -> new TreeSet<>()).add(file.location().substring(slash));
        }
        String app = descriptor.app();
        int version = descriptor.database().version();
        List<HostTeardown> hosts = new ArrayList<>();
        for (Host host : target.hosts()) {
            List<Service> services = new ArrayList<>();
            Set<String> removed = new LinkedHashSet<>();
            List<String> removedIfEmpty = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            Set<String> keptRoots = new LinkedHashSet<>();
            if (host.has(Role.WAF) || host.has(Role.PROXY) || host.has(Role.STATIC)) {
                services.add(Service.NGINX);
                removed.addAll(List.of("/etc/nginx/nginx.conf", "/etc/nginx/tierlift", "/etc/nginx/modsecurity", target.appRoot(),
                        EdgeTopology.MODSECURITY_DATA_DIR, EdgeTopology.MODSECURITY_AUDIT_LOG, EdgeTopology.placedKey(app),
                        EdgeTopology.selfSignedCertificate(app), EdgeTopology.selfSignedKey(app)));
                // The operator's own certificate may live there: the folder goes only when nothing else is in it.
                removedIfEmpty.add(EdgeTopology.TLS_DIR);
            }
            if (host.has(Role.APP)) {
                AppLayout layout = new AppLayout(app, target.appRoot());
                services.add(Service.APP);
                removed.addAll(List.of(layout.unitFile(), layout.configDir(), "/usr/local/lib/tierlift", target.appRoot(),
                        layout.logDir(), layout.runDir()));
            }
            boolean database = host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY);
            boolean backups = descriptor.database().backup().isPresent();
            boolean inBucket = io.tierlift.render.onprem.backup.BackupRenderer.inBucket(descriptor);
            String bucket = descriptor.database().backup().flatMap(io.tierlift.model.BackupSettings::s3)
                    .map(io.tierlift.model.S3Repository::bucket).orElse("");
            boolean dump = false;
            boolean dropCluster = false;
            boolean dropRepository = false;
            if (database) {
                String cluster = "/etc/postgresql/" + version + "/main";
                String data = "/var/lib/postgresql/" + version + "/main";
                if (deleteData) {
                    dump = host.has(Role.DB_PRIMARY);
                    dropCluster = true;
                    removed.add(cluster);
                    removed.add(data);
                    removed.add("/var/lib/postgresql/.pgpass");
                    if (backups && inBucket) {
                        // The database hosts run the schedules themselves; the bucket's backups are left to its owner.
                        services.add(Service.BACKUP_SCHEDULE);
                        removed.addAll(List.of("/etc/pgbackrest", BackupLayout.unitPath(BackupLayout.FULL_UNIT + ".service"),
                                BackupLayout.unitPath(BackupLayout.FULL_UNIT + ".timer"), BackupLayout.unitPath(BackupLayout.DIFF_UNIT + ".service"),
                                BackupLayout.unitPath(BackupLayout.DIFF_UNIT + ".timer")));
                        kept.add("the backups in bucket " + bucket + " (tierlift never deletes a bucket's objects)");
                    } else if (backups) {
                        // Every database host runs a pgBackRest server too: the repository reaches the clusters through it.
                        services.add(Service.BACKUP_SERVER);
                        removed.add("/etc/pgbackrest");
                    }
                } else {
                    keptRoots.addAll(List.of(cluster, data, "/var/lib/postgresql/.pgpass", "/etc/pgbackrest"));
                    kept.add("PostgreSQL cluster " + version + "/main (" + (host.has(Role.DB_PRIMARY) ? "primary" : "standby")
                            + "), running, with its data and config");
                    if (backups && inBucket) {
                        keptRoots.addAll(List.of("/etc/systemd/system/" + BackupLayout.FULL_UNIT, "/etc/systemd/system/" + BackupLayout.DIFF_UNIT));
                        kept.add("its backup schedule into bucket " + bucket);
                    }
                }
            }
            if (host.has(Role.BACKUP)) {
                if (deleteData) {
                    dropRepository = true;
                    services.add(Service.BACKUP_SCHEDULE);
                    services.add(Service.BACKUP_SERVER);
                    removed.addAll(List.of("/etc/pgbackrest", BackupLayout.REPOSITORY_PATH,
                            BackupLayout.unitPath(BackupLayout.FULL_UNIT + ".service"), BackupLayout.unitPath(BackupLayout.FULL_UNIT + ".timer"),
                            BackupLayout.unitPath(BackupLayout.DIFF_UNIT + ".service"), BackupLayout.unitPath(BackupLayout.DIFF_UNIT + ".timer")));
                } else {
                    keptRoots.addAll(List.of("/etc/pgbackrest", BackupLayout.REPOSITORY_PATH, "/etc/systemd/system/" + BackupLayout.FULL_UNIT,
                            "/etc/systemd/system/" + BackupLayout.DIFF_UNIT));
                    kept.add("the pgBackRest repository " + BackupLayout.REPOSITORY_PATH + ", its server and backup timers");
                }
            }
            removed.addAll(List.of(FirewallRenderer.UNIT_PATH, "/etc/tierlift", STATE_DIR));
            // Whatever else a deploy of this descriptor places is removed too, unless it belongs to the kept data.
            for (String path : placed.getOrDefault(host.name(), Set.of())) {
                if (!covered(path, removed) && !covered(path, keptRoots)) {
                    removed.add(path);
                }
            }
            hosts.add(new HostTeardown(host, services, new ArrayList<>(removed), removedIfEmpty, kept, dump, dropCluster, dropRepository));
        }
        return new TeardownPlan(app, descriptor.database().name(), deleteData, deleteData ? Optional.of(dumpFile) : Optional.empty(), hosts);
    }

    /** True when {@code path} is one of {@code roots} or lies inside one (prefixes also match a unit's file names). */
    static boolean covered(String path, Set<String> roots) {
        for (String root : roots) {
            if (path.equals(root) || path.startsWith(root.endsWith("/") ? root : root + "/")
                    || (root.startsWith("/etc/systemd/system/") && path.startsWith(root))) {
                return true;
            }
        }
        return false;
    }

    /** The plan as the operator reads it: every host, what stops, what goes, what stays. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (HostTeardown host : hosts) {
            lines.add(host.name() + " (" + String.join(", ", host.host().roles().stream().map(Object::toString).sorted().toList()) + "):");
            for (Service service : host.services()) {
                lines.add("  stop and disable " + service.describe(app));
            }
            if (host.dump()) {
                lines.add("  dump database " + database + " (pg_dump, custom format) to " + dumpFile.orElseThrow());
            }
            if (host.dropCluster()) {
                lines.add("  DROP the PostgreSQL cluster (its data is deleted)");
            }
            if (host.dropRepository()) {
                lines.add("  DELETE the pgBackRest repository (every backup in it)");
            }
            lines.add("  delete the nftables table " + FIREWALL_TABLE + " (SSH and everything else as before tierlift)");
            for (String path : host.removed()) {
                lines.add("  remove " + path);
            }
            for (String path : host.removedIfEmpty()) {
                lines.add("  remove " + path + " if nothing else is in it");
            }
            for (String kept : host.kept()) {
                lines.add("  keep " + kept);
            }
        }
        lines.add(deleteData ? "data: DELETED after the final dump of " + database + " to " + dumpFile.orElseThrow()
                : "data: kept (run with --force-data-deletion to dump it to this machine and drop the clusters)");
        lines.add("kept on every host: the packages tierlift installed (nginx, PostgreSQL, pgBackRest, nftables, python3-venv, ...) "
                + "and the system user " + app);
        return lines;
    }
}
