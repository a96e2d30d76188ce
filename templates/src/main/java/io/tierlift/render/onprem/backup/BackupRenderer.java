package io.tierlift.render.onprem.backup;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.BackupSettings;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
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
 */
public final class BackupRenderer implements HostRoleRenderer {
    static final String REPOSITORY_TEMPLATE = "onprem/pgbackrest/repository.conf.pgbr.ftl";
    static final String DATABASE_TEMPLATE = "onprem/pgbackrest/database.conf.pgbr.ftl";
    static final String ARCHIVE_TEMPLATE = "onprem/pgbackrest/tierlift-archive.conf.pg.ftl";
    static final String SERVICE_TEMPLATE = "onprem/pgbackrest/backup.service.unit.ftl";
    static final String TIMER_TEMPLATE = "onprem/pgbackrest/backup.timer.unit.ftl";
    static final String CRONTAB_TEMPLATE = "onprem/pgbackrest/backup.crontab.txt.ftl";
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
            for (BackupTimer timer : timers(app)) {
                files.add(HostFile.config(scope, BackupLayout.unitPath(timer.unit() + ".service"),
                        engine.render(SERVICE_TEMPLATE, timer)));
                files.add(HostFile.config(scope, BackupLayout.unitPath(timer.unit() + ".timer"),
                        engine.render(TIMER_TEMPLATE, timer)));
            }
            files.add(HostFile.of(scope, BackupLayout.CRONTAB, engine.render(CRONTAB_TEMPLATE, crontab(app)),
                    0644, "root", "root", false));
        }
        if (host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) {
            files.add(HostFile.of(scope, BackupLayout.CONFIG_FILE, engine.render(DATABASE_TEMPLATE, database(scope)),
                    0640, BackupLayout.OWNER, BackupLayout.OWNER, false));
            PostgresLayout layout = PostgresLayout.debian(app.database().version());
            files.add(HostFile.of(scope, archiveSettingsFile(layout),
                    engine.render(ARCHIVE_TEMPLATE, new ArchiveSettings(host.name(), stanza(app))),
                    0644, PostgresLayout.OWNER, PostgresLayout.OWNER, false));
        }
        return files;
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
                        PGBACKREST, BackupLayout.OWNER),
                new BackupTimer(BackupLayout.DIFF_UNIT, "diff", "differential backup", stanza(app),
                        backup.differentialSchedule(), PGBACKREST, BackupLayout.OWNER));
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
