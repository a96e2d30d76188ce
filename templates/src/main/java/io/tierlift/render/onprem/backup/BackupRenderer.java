package io.tierlift.render.onprem.backup;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.BackupSettings;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.model.S3Repository;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.render.onprem.HostFile;
import io.tierlift.render.onprem.HostRoleRenderer;
import io.tierlift.render.onprem.OnpremScope;
import io.tierlift.render.onprem.database.PostgresLayout;

import java.util.ArrayList;
import java.util.List;

/**
 * pgBackRest files for {@code database.backup}: the encrypted repository on the backup host with
 * its scheduled full and differential backups, and on the database hosts the WAL archiving and
 * the way to the repository.
 *
 * <p>Hosts talk pgBackRest's TLS protocol (its {@code server} command, port 8432) rather than
 * SSH: no login keys for postgres between hosts, no shell access that the archive path would
 * open, one port the firewall can name, and each side accepts only the certificates of the hosts
 * it serves ({@code tls-server-auth}). Every host's certificate names its address, the name its
 * peers connect to.
 *
 * <p>With the repository in an S3-compatible bucket there is no backup host and no TLS server:
 * each database host holds the bucket's config itself, archives straight into it and has the
 * schedules, which back up only where PostgreSQL is the primary. Backups are taken from the
 * primary: copying from the standby ({@code backup-standby}) would need pgBackRest's TLS server
 * between the two database hosts and a CA to sign their certificates, which lived on the backup
 * host; the standby still spares the primary every read the app sends to it.
 */
public final class BackupRenderer implements HostRoleRenderer {
    static final String REPOSITORY_TEMPLATE = "onprem/pgbackrest/repository.conf.pgbr.ftl";
    static final String DATABASE_TEMPLATE = "onprem/pgbackrest/database.conf.pgbr.ftl";
    static final String ARCHIVE_TEMPLATE = "onprem/pgbackrest/tierlift-archive.conf.pg.ftl";
    static final String SERVICE_TEMPLATE = "onprem/pgbackrest/backup.service.unit.ftl";
    static final String TIMER_TEMPLATE = "onprem/pgbackrest/backup.timer.unit.ftl";
    static final String CRONTAB_TEMPLATE = "onprem/pgbackrest/backup.crontab.txt.ftl";
    static final String BUCKET_TEMPLATE = "onprem/pgbackrest/bucket.conf.pgbr.ftl";
    static final String PRIMARY_ONLY_TEMPLATE = "onprem/pgbackrest/backup-if-primary.sh.txt.ftl";
    static final String PGBACKREST = "/usr/bin/pgbackrest";

    private final TemplateEngine engine;

    public BackupRenderer(TemplateEngine engine) {
        this.engine = engine;
    }

    @Override
    public List<RenderedFile> render(OnpremScope scope) {
        AppDescriptor app = scope.app();
        if (app.database().backup().isEmpty()) {
            return List.of();
        }
        Host host = scope.host();
        List<RenderedFile> files = new ArrayList<>();
        if (host.has(Role.BACKUP)) {
            files.add(HostFile.of(scope, BackupLayout.CONFIG_FILE, engine.render(REPOSITORY_TEMPLATE, repository(scope)),
                    0640, BackupLayout.OWNER, BackupLayout.OWNER, true));
            files.addAll(schedules(scope));
        }
        if ((host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) && inBucket(app)) {
            files.addAll(bucketFiles(scope));
        } else if (host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) {
            files.add(HostFile.of(scope, BackupLayout.CONFIG_FILE, engine.render(DATABASE_TEMPLATE, database(scope)),
                    0640, BackupLayout.OWNER, BackupLayout.OWNER, false));
        }
        if (host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) {
            PostgresLayout layout = PostgresLayout.debian(app.database().version());
            files.add(HostFile.of(scope, archiveSettingsFile(layout),
                    engine.render(ARCHIVE_TEMPLATE, new ArchiveSettings(host.name(), stanza(app))),
                    0644, PostgresLayout.OWNER, PostgresLayout.OWNER, false));
        }
        return files;
    }

    /** True when the repository is an S3-compatible bucket rather than a host with role backup. */
    public static boolean inBucket(AppDescriptor app) {
        return app.database().backup().flatMap(BackupSettings::s3).isPresent();
    }

    /** A database host's files with the repository in a bucket: its config, the CA, the schedules. */
    private List<RenderedFile> bucketFiles(OnpremScope scope) {
        AppDescriptor app = scope.app();
        S3Repository s3 = app.database().backup().flatMap(BackupSettings::s3).orElseThrow();
        List<RenderedFile> files = new ArrayList<>();
        files.add(HostFile.of(scope, BackupLayout.CONFIG_FILE, engine.render(BUCKET_TEMPLATE, bucket(scope)),
                0640, BackupLayout.OWNER, BackupLayout.OWNER, true));
        s3.ca().ifPresent(ca -> files.add(HostFile.config(scope, BackupLayout.BUCKET_CA, pem(scope.secrets().value(ca)))));
        files.add(HostFile.of(scope, BackupLayout.PRIMARY_ONLY_BACKUP, engine.render(PRIMARY_ONLY_TEMPLATE,
                new PrimaryOnlyBackup(scope.host().name(), stanza(app), app.database().port(), PGBACKREST)),
                0755, "root", "root", false));
        files.addAll(schedules(scope));
        return files;
    }

    /** The backup timers and, for a host without systemd, the crontab with the same schedules. */
    private List<RenderedFile> schedules(OnpremScope scope) {
        List<RenderedFile> files = new ArrayList<>();
        for (BackupTimer timer : timers(scope.app())) {
            files.add(HostFile.config(scope, BackupLayout.unitPath(timer.unit() + ".service"),
                    engine.render(SERVICE_TEMPLATE, timer)));
            files.add(HostFile.config(scope, BackupLayout.unitPath(timer.unit() + ".timer"),
                    engine.render(TIMER_TEMPLATE, timer)));
        }
        files.add(HostFile.of(scope, BackupLayout.CRONTAB, engine.render(CRONTAB_TEMPLATE, crontab(scope.app())),
                0644, "root", "root", false));
        return files;
    }

    private static String pem(String text) {
        return text.endsWith("\n") ? text : text + "\n";
    }

    BucketConfig bucket(OnpremScope scope) {
        AppDescriptor app = scope.app();
        BackupSettings backup = app.database().backup().orElseThrow();
        S3Repository s3 = backup.s3().orElseThrow();
        PostgresLayout layout = PostgresLayout.debian(app.database().version());
        return new BucketConfig(scope.host().name(), stanza(app), s3.endpoint(), s3.endpointHost(), s3.endpointPort(),
                s3.bucket(), s3.region(), s3.uriStyle(), scope.secrets().value(s3.accessKey()),
                scope.secrets().value(s3.secretKey()), s3.ca().map(ca -> BackupLayout.BUCKET_CA).stream().toList(),
                s3.path(), backup.retentionFull(), scope.secrets().value(backup.key()), layout.dataDir(),
                app.database().port(), BackupLayout.PRIMARY_ONLY_BACKUP);
    }

    /** What the schedules run: pgBackRest itself, or with a bucket the script that runs it only on the primary. */
    static String scheduledCommand(AppDescriptor app) {
        return inBucket(app) ? BackupLayout.PRIMARY_ONLY_BACKUP : PGBACKREST;
    }

    /** The stanza is the app's name: one repository section per app. */
    public static String stanza(AppDescriptor app) {
        return app.app();
    }

    public static String archiveSettingsFile(PostgresLayout layout) {
        return layout.configDir() + "/conf.d/tierlift-archive.conf";
    }

    RepositoryConfig repository(OnpremScope scope) {
        AppDescriptor app = scope.app();
        BackupSettings backup = app.database().backup().orElseThrow();
        List<Host> databases = databaseHosts(scope.target());
        PostgresLayout layout = PostgresLayout.debian(app.database().version());
        List<RepositoryConfig.DatabaseHost> pgHosts = new ArrayList<>();
        for (int i = 0; i < databases.size(); i++) {
            Host db = databases.get(i);
            pgHosts.add(new RepositoryConfig.DatabaseHost(i + 1, db.name(), db.address(), layout.dataDir(),
                    app.database().port()));
        }
        return new RepositoryConfig(scope.host().name(), stanza(app), scope.host().address(), BackupLayout.TLS_PORT,
                TlsFiles.standard(), BackupLayout.REPOSITORY_PATH, backup.retentionFull(),
                scope.secrets().value(backup.key()), pgHosts, databases.size() > 1,
                databases.stream().map(Host::address).toList());
    }

    DatabaseHostConfig database(OnpremScope scope) {
        AppDescriptor app = scope.app();
        Host repository = scope.target().firstWith(Role.BACKUP)
                .orElseThrow(() -> new IllegalArgumentException("database.backup needs a host with role backup"));
        PostgresLayout layout = PostgresLayout.debian(app.database().version());
        return new DatabaseHostConfig(scope.host().name(), stanza(app), scope.host().address(), BackupLayout.TLS_PORT,
                TlsFiles.standard(), repository.name(), repository.address(), layout.dataDir(), app.database().port());
    }

    List<BackupTimer> timers(AppDescriptor app) {
        BackupSettings backup = app.database().backup().orElseThrow();
        return List.of(
                new BackupTimer(BackupLayout.FULL_UNIT, "full", "full backup", stanza(app), backup.fullSchedule(),
                        scheduledCommand(app), BackupLayout.OWNER),
                new BackupTimer(BackupLayout.DIFF_UNIT, "diff", "differential backup", stanza(app),
                        backup.differentialSchedule(), scheduledCommand(app), BackupLayout.OWNER));
    }

    /** The same schedules for cron, on a backup host that runs no systemd. */
    BackupCrontab crontab(AppDescriptor app) {
        return crontab(stanza(app), timers(app));
    }

    static BackupCrontab crontab(String stanza, List<BackupTimer> timers) {
        List<BackupCrontab.Line> scheduled = new ArrayList<>();
        List<BackupCrontab.Unscheduled> unscheduled = new ArrayList<>();
        for (BackupTimer timer : timers) {
            CronSchedule.of(timer.onCalendar()).ifPresentOrElse(
                    cron -> scheduled.add(new BackupCrontab.Line(timer.description(), timer.onCalendar(), cron,
                            timer.pgbackrest(), timer.stanza(), timer.type())),
                    () -> unscheduled.add(new BackupCrontab.Unscheduled(timer.description(), timer.onCalendar())));
        }
        return new BackupCrontab(stanza, BackupLayout.OWNER, scheduled, unscheduled);
    }

    /** The primary first, so pg1 is the primary as long as no failover happened. */
    static List<Host> databaseHosts(OnpremTarget target) {
        List<Host> hosts = new ArrayList<>(target.hostsWith(Role.DB_PRIMARY));
        hosts.addAll(target.hostsWith(Role.DB_STANDBY));
        return List.copyOf(hosts);
    }
}
