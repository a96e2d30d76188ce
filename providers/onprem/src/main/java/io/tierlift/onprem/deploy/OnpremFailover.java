package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.model.Targets;
import io.tierlift.onprem.command.BackupCommands;
import io.tierlift.onprem.command.FileCommands;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.onprem.ssh.SshException;
import io.tierlift.provider.Progress;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.onprem.app.AppLayout;
import io.tierlift.render.onprem.backup.BackupLayout;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.secret.SecretResolver;
import io.tierlift.secret.SecretView;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Promotes the standby when the primary is lost (or for maintenance): fence the old primary if it
 * still answers, promote, then point every app server at the new primary one at a time. The
 * descriptor still names the old roles; the result tells the operator the one edit that makes the
 * next deploy rebuild the old primary as a standby of the new one.
 */
public final class OnpremFailover {
    private final Connector connector;
    private final RenderProvider renderer;
    private final SecretResolver secrets;
    private final Progress progress;
    private final FileCommands files = new FileCommands();

    public OnpremFailover(Connector connector, RenderProvider renderer, SecretResolver secrets, Progress progress) {
        this.connector = connector;
        this.renderer = renderer;
        this.secrets = secrets;
        this.progress = progress;
    }

    public record Result(String newPrimary, String oldPrimary, boolean oldPrimaryFenced, String nextStep) {
    }

    public Result failover(AppDescriptor descriptor) {
        OnpremTarget target = descriptor.targets().onprem().orElseThrow();
        Host primary = target.firstWith(Role.DB_PRIMARY).orElseThrow();
        Host standby = target.firstWith(Role.DB_STANDBY).orElseThrow(() ->
                new HostFailure(primary.name(), "there is no db-standby to fail over to"));
        try (connector) {
            int version = descriptor.database().version();
            ServiceCommands commands = new ServiceCommands(false, descriptor.app(), target.appRoot(), version, descriptor.database().port());
            HostSession standbySession = new HostSession(standby, connector.connect(standby));
            String recovery = standbySession.run("checking the standby", commands.psql("postgres"), sql("SELECT pg_is_in_recovery();")).out().strip();
            if (!recovery.equals("t")) {
                throw new HostFailure(standby.name(), "is not in recovery: it is already a primary (was the failover done before?)");
            }
            boolean fenced = fence(primary, commands);
            progress.step(standby.name(), "promoting to primary");
            standbySession.run("promoting the standby", commands.postgres("promote"));
            waitUntilPrimary(standbySession, commands);
            progress.step(standby.name(), "is the primary now, accepting writes");

            AppDescriptor swapped = withRolesSwapped(descriptor, primary, standby);
            repointApps(swapped, target);
            if (descriptor.database().backup().isPresent()) {
                followWithBackups(descriptor, primary, standby);
            }
            String next = "update the descriptor: give " + standby.name() + " role db-primary and " + primary.name()
                    + " role db-standby, then run `tierlift deploy onprem`: it rebuilds " + primary.name()
                    + " as a streaming standby of " + standby.name() + " (pg_basebackup)";
            return new Result(standby.name(), primary.name(), fenced, next);
        }
    }

    /** Stops the old primary if it still answers, so it can't take writes behind the new one's back. */
    private boolean fence(Host primary, ServiceCommands commands) {
        try {
            HostSession session = new HostSession(primary, connector.connect(primary));
            ExecResult stop = session.attempt(commands.postgres("stop"));
            progress.step(primary.name(), stop.ok() ? "old primary stopped (fenced)" : "old primary was not running");
            return true;
        } catch (RuntimeException unreachable) {
            progress.warn(primary.name(), "unreachable, not fenced (" + unreachable.getMessage() + "); make sure it stays down");
            return false;
        }
    }

    private void waitUntilPrimary(HostSession session, ServiceCommands commands) {
        for (int attempt = 0; attempt < 100; attempt++) {
            String recovery = session.run("checking promotion", commands.psql("postgres"), sql("SELECT pg_is_in_recovery();")).out().strip();
            if (recovery.equals("f")) {
                return;
            }
            sleep(100);
        }
        throw new HostFailure(session.name(), "was not promoted within 10 s");
    }

    /** Places the app environment rendered for the new primary and restarts app servers one by one. */
    private void repointApps(AppDescriptor swapped, OnpremTarget target) {
        AppLayout layout = new AppLayout(swapped.app(), target.appRoot());
        List<RenderedFile> rendered = renderer.render(swapped, SecretView.resolving(secrets));
        for (Host app : target.hostsWith(Role.APP)) {
            String location = app.name() + layout.environmentFile();
            RenderedFile env = rendered.stream().filter(f -> f.location().equals(location)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no environment file rendered for " + app.name()));
            HostSession session = new HostSession(app, connector.connect(app));
            session.run("uploading the environment", files.stage(layout.environmentFile(), env.owner(), env.group(), env.mode()), env.content());
            session.run("swapping in the environment", files.activate(List.of(layout.environmentFile())));
            session.run("committing", files.commit(List.of(layout.environmentFile())));
            boolean systemd = session.attempt(ServiceCommands.systemdCheck()).ok();
            ServiceCommands commands = new ServiceCommands(systemd, swapped.app(), target.appRoot(), swapped.database().version(),
                    swapped.database().port());
            session.run("stopping the app", commands.appStop((int) swapped.backend().gracefulTimeout().toSeconds()));
            session.run("starting the app", commands.appStart());
            session.run("health check", commands.appHealth(app.address(), swapped.backend().port(), swapped.backend().health(), 30));
            progress.step(app.name(), "now writes to the new primary");
        }
    }

    /**
     * Points the backup host's stanza at the new primary (pg1) and checks that its WAL reaches the
     * repository. A backup host that can't be reached is a warning: the database failover stands,
     * and the deploy after the descriptor edit places the same config.
     */
    private void followWithBackups(AppDescriptor descriptor, Host oldPrimary, Host newPrimary) {
        if (BackupRenderer.inBucket(descriptor)) {
            followInBucket(descriptor, newPrimary);
            return;
        }
        OnpremTarget target = descriptor.targets().onprem().orElseThrow();
        Host repository = target.firstWith(Role.BACKUP).orElseThrow();
        try {
            RenderedFile config = repositoryConfig(renderer.render(backupTopologyAfterFailover(descriptor, oldPrimary, newPrimary),
                    SecretView.resolving(secrets)), repository);
            HostSession session = new HostSession(repository, connector.connect(repository));
            String path = BackupLayout.CONFIG_FILE;
            session.run("uploading the pgBackRest config", files.stage(path, config.owner(), config.group(), config.mode()), config.content());
            session.run("swapping in the pgBackRest config", files.activate(List.of(path)));
            session.run("committing", files.commit(List.of(path)));
            BackupCommands commands = new BackupCommands(session.attempt(ServiceCommands.systemdCheck()).ok(),
                    BackupRenderer.stanza(descriptor));
            session.run("restarting the pgBackRest server", commands.serverRestart(repository.address()));
            progress.step(repository.name(), "backups follow " + newPrimary.name() + " (pg1); " + oldPrimary.name()
                    + " is out of the stanza until it is rebuilt as a standby");
            session.run("checking that " + newPrimary.name() + "'s WAL reaches the repository", commands.stanzaCreateAndCheck());
            progress.step(repository.name(), "WAL of " + newPrimary.name() + " arrives in the repository");
        } catch (HostFailure | SshException e) {
            progress.warn(repository.name(), "backups do not follow " + newPrimary.name() + " yet (" + e.getMessage()
                    + "); after the descriptor edit, `tierlift deploy onprem` sets them up");
        }
    }

    /**
     * With the repository in a bucket the promoted standby has the bucket's config and the schedules
     * already: it archives as soon as it is promoted, and its schedule backs up now that it is the
     * primary. What is left is checking that its WAL reaches the bucket; a failed check is a warning.
     */
    private void followInBucket(AppDescriptor descriptor, Host newPrimary) {
        try {
            HostSession session = new HostSession(newPrimary, connector.connect(newPrimary));
            BackupCommands commands = new BackupCommands(false, BackupRenderer.stanza(descriptor));
            session.run("checking that " + newPrimary.name() + "'s WAL reaches the bucket", commands.stanzaCreateAndCheck());
            progress.step(newPrimary.name(), "WAL of " + newPrimary.name() + " arrives in the bucket; its schedule takes the backups now");
        } catch (RuntimeException e) {
            progress.warn(newPrimary.name(), "WAL of " + newPrimary.name() + " does not reach the bucket yet (" + e.getMessage()
                    + "); check it with tierlift status onprem");
        }
    }

    private static RenderedFile repositoryConfig(List<RenderedFile> rendered, Host repository) {
        String location = repository.name() + BackupLayout.CONFIG_FILE;
        return rendered.stream().filter(f -> f.location().equals(location)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no pgBackRest config rendered for " + repository.name()));
    }

    /**
     * The topology the backup host serves right after a failover: the new primary as pg1 and the
     * fenced old primary left out (it runs no PostgreSQL pgBackRest could reach, and it must not
     * push WAL of its old timeline). Once the operator swaps the roles and deploys, the old
     * primary comes back as pg2, a standby to back up from; pg1 stays the same.
     */
    static AppDescriptor backupTopologyAfterFailover(AppDescriptor d, Host oldPrimary, Host newPrimary) {
        AppDescriptor swapped = withRolesSwapped(d, oldPrimary, newPrimary);
        OnpremTarget t = swapped.targets().onprem().orElseThrow();
        List<Host> hosts = t.hosts().stream().filter(h -> !h.name().equals(oldPrimary.name())).toList();
        OnpremTarget without = new OnpremTarget(t.ssh(), t.domain(), t.tls(), t.waf(), t.edge(), t.adminNetworks(), hosts,
                t.appRoot(), t.releasesKept());
        return new AppDescriptor(swapped.app(), swapped.environment(), swapped.baseDir(), swapped.frontend(), swapped.backend(),
                swapped.database(), new Targets(Optional.of(without), swapped.targets().awsIaas(), swapped.targets().awsServerless()));
    }

    static AppDescriptor withRolesSwapped(AppDescriptor d, Host primary, Host standby) {
        OnpremTarget t = d.targets().onprem().orElseThrow();
        List<Host> hosts = new ArrayList<>();
        for (Host h : t.hosts()) {
            Set<Role> roles = new LinkedHashSet<>(h.roles());
            if (h.name().equals(primary.name())) {
                roles.remove(Role.DB_PRIMARY);
                roles.add(Role.DB_STANDBY);
            } else if (h.name().equals(standby.name())) {
                roles.remove(Role.DB_STANDBY);
                roles.add(Role.DB_PRIMARY);
            }
            hosts.add(new Host(h.name(), h.address(), h.zone(), roles, h.sshHost(), h.sshPort(), h.workers()));
        }
        OnpremTarget swapped = new OnpremTarget(t.ssh(), t.domain(), t.tls(), t.waf(), t.edge(), t.adminNetworks(), hosts,
                t.appRoot(), t.releasesKept());
        return new AppDescriptor(d.app(), d.environment(), d.baseDir(), d.frontend(), d.backend(), d.database(),
                new Targets(Optional.of(swapped), d.targets().awsIaas(), d.targets().awsServerless()));
    }

    private static byte[] sql(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
