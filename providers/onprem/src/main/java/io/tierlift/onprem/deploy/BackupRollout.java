package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.BackupCommands;
import io.tierlift.render.onprem.backup.BackupLayout;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.render.onprem.backup.CronSchedule;
import io.tierlift.model.BackupSettings;
import io.tierlift.tier.TierFailure;

import java.util.LinkedHashMap;
import java.util.Map;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * pgBackRest for {@code database.backup}: before PostgreSQL archives, every pgBackRest host has a
 * certificate from the app's CA on the backup host and its server runs with the placed config;
 * after the database is up, the stanza exists, WAL is seen arriving and the timers run. With the
 * repository in a bucket, the database hosts get their config only (no server, no certificate),
 * the primary creates the stanza, and every database host gets the schedules.
 */
final class BackupRollout {
    private final RolloutContext context;
    private final StagedFiles staged;

    BackupRollout(RolloutContext context, StagedFiles staged) {
        this.context = context;
        this.staged = staged;
    }

    boolean configured() {
        return context.descriptor().database().backup().isPresent();
    }

    /** The backup host first (it signs), then the database hosts. */
    List<Host> hosts() {
        List<Host> hosts = new ArrayList<>(context.target().hostsWith(Role.BACKUP));
        context.target().hosts().stream()
                .filter(h -> !h.has(Role.BACKUP) && (h.has(Role.DB_PRIMARY) || h.has(Role.DB_STANDBY)))
                .forEach(hosts::add);
        return hosts;
    }

    /** Where the stanza is created and checked: the backup host, or with a bucket the primary. */
    Host repository() {
        return inBucket() ? context.target().firstWith(Role.DB_PRIMARY).orElseThrow()
                : context.target().firstWith(Role.BACKUP).orElseThrow();
    }

    private boolean inBucket() {
        return BackupRenderer.inBucket(context.descriptor());
    }

    /** The hosts that run the scheduled backups: the backup host, or with a bucket every database host. */
    private List<Host> scheduled() {
        return inBucket() ? hosts() : List.of(repository());
    }

    BackupCommands commands(Host host) {
        return new BackupCommands(context.state(host).systemd(), BackupRenderer.stanza(context.descriptor()));
    }

    /** Certificates, config and a running server on one pgBackRest host. */
    void prepare(Host host) {
        HostSession session = context.session(host);
        BackupCommands on = commands(host);
        if (inBucket()) {
            // No server and no certificates: the host talks to the bucket with the config alone.
            List<FileChange> config = context.changes(host, ManagedService.BACKUP);
            staged.place(session, config);
            staged.commit(session, config);
            if (!config.isEmpty()) {
                context.report().changed(host.name());
            }
            return;
        }
        boolean changed = certificate(host, session, on);
        List<FileChange> config = context.changes(host, ManagedService.BACKUP);
        staged.place(session, config);
        staged.commit(session, config);
        boolean running = session.attempt(on.serverPing(host.address())).exitCode() == 0;
        if (changed || !config.isEmpty() || !running) {
            context.progress().step(host.name(), running ? "restarting the pgBackRest server" : "starting the pgBackRest server");
            session.run("starting the pgBackRest server", on.serverRestart(host.address()));
            context.report().changed(host.name());
        }
    }

    private boolean certificate(Host host, HostSession session, BackupCommands on) {
        String request = session.run("preparing the pgBackRest certificate", on.certificateRequest(host.address())).out();
        if (request.isBlank()) {
            return false;
        }
        Host repository = repository();
        HostSession signer = context.session(repository);
        BackupCommands ca = commands(repository);
        byte[] certificate = signer.run("signing " + host.name() + "'s pgBackRest certificate", ca.signCertificate(),
                request.getBytes(StandardCharsets.US_ASCII)).stdout();
        byte[] caCertificate = signer.run("reading the backup CA's certificate", ca.caCertificate()).stdout();
        session.run("placing the backup CA's certificate", on.installCertificate(BackupLayout.CA_CERT), caCertificate);
        session.run("placing the pgBackRest certificate", on.installCertificate(BackupLayout.HOST_CERT), certificate);
        context.progress().step(host.name(), "pgBackRest certificate signed by the backup CA");
        return true;
    }

    /** On the backup host, once PostgreSQL runs with archiving: the stanza, a check that WAL arrives, the timers. */
    void finish() {
        Host repository = repository();
        context.session(repository).run("creating the pgBackRest stanza and checking the WAL archive",
                commands(repository).stanzaCreateAndCheck());
        for (Host host : scheduled()) {
            HostSession session = context.session(host);
            BackupCommands on = commands(host);
            if (on.systemd()) {
                session.run("enabling the backup timers", on.enableTimers());
            } else {
                session.run("installing the backup schedule for cron", on.installCrontab());
                context.progress().step(host.name(), "no systemd: cron runs the scheduled backups");
            }
        }
    }

    /**
     * Refuses, before anything changes, a schedule the backup host could not run: without systemd, cron
     * runs the backups, and it has no form for every calendar event.
     */
    void checkSchedules() {
        if (!configured()) {
            return;
        }
        for (Host host : scheduled()) {
            if (context.state(host).systemd()) {
                continue;
            }
            BackupSettings backup = context.descriptor().database().backup().orElseThrow();
            Map<String, String> schedules = new LinkedHashMap<>();
            schedules.put("full", backup.fullSchedule());
            schedules.put("differential", backup.differentialSchedule());
            schedules.forEach((name, event) -> {
                if (CronSchedule.of(event).isEmpty()) {
                    throw new TierFailure("database.backup." + name + " '" + event + "': " + host.name()
                            + " runs no systemd, so cron runs the backups, and cron has no form for this event; use "
                            + CronSchedule.FORMS + ". Nothing was changed.");
                }
            });
        }
    }
}
