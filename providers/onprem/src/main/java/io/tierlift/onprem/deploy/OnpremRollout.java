package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.FileCommands;
import io.tierlift.onprem.command.PackageCommands;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.secret.SecretResolver;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Applies a plan in the order the app needs: bootstrap, firewall, database primary, standby, app
 * servers one at a time, the static site, then nginx. Each part is its own rollout
 * ({@link DatabaseRollout}, {@link AppRollout}, {@link EdgeRollout}) over the same
 * {@link StagedFiles}; this class keeps the order and records each host's result.
 */
final class OnpremRollout {
    private final RolloutContext context;
    private final OnpremTarget target;
    private final HostExecutor executor;
    private final DeployReport report;
    private final StagedFiles staged;
    private final DatabaseRollout database;
    private final AppRollout app;
    private final EdgeRollout edge;
    private final BackupRollout backup;
    private final FileCommands files = new FileCommands();
    private final PackageCommands packages = new PackageCommands();
    private final Set<String> bootstrapped;

    /**
     * @param freshSessions opens a new SSH session to a host (the firewall step proves SSH still works with it)
     * @param bootstrapped  hosts whose app user and folders were seen in place when their state was read
     */
    OnpremRollout(RolloutContext context, HostExecutor executor, SecretResolver secrets,
                  Function<Host, HostSession> freshSessions, Set<String> bootstrapped) {
        this.context = context;
        this.target = context.target();
        this.executor = executor;
        this.report = context.report();
        this.bootstrapped = Set.copyOf(bootstrapped);
        this.staged = new StagedFiles(context.progress(), report);
        this.database = new DatabaseRollout(context, staged, secrets);
        this.app = new AppRollout(context, staged);
        this.edge = new EdgeRollout(context, staged, freshSessions);
        this.backup = new BackupRollout(context, staged);
    }

    /** {@code releaseCommand} false leaves the database as it is (empty, for a migration's copy). */
    void apply(boolean releaseCommand) {
        backup.checkSchedules();
        parallel(target.hosts(), this::bootstrap);
        // Firewall before the services: connections made afterwards (replication, app to database)
        // are tracked from their first packet, so the stateful rules never see them mid-stream.
        parallel(target.hosts(), edge::firewall);
        // pgBackRest servers and certificates before PostgreSQL archives to them; the backup host
        // signs the others' certificates, so one host after another.
        if (backup.configured()) {
            for (Host host : backup.hosts()) {
                runOn(host, backup::prepare);
            }
        }
        target.firstWith(Role.DB_PRIMARY).ifPresent(database::primary);
        target.firstWith(Role.DB_STANDBY).ifPresent(database::standby);
        if (backup.configured()) {
            runOn(backup.repository(), host -> backup.finish());
        }
        List<Host> apps = target.hostsWith(Role.APP);
        parallel(apps, app::prepare);
        if (releaseCommand) {
            app.runReleaseCommand(apps);
        } else {
            context.progress().step("deploy", "release command not run: the database stays empty for the migration's copy, "
                    + "which brings the schema and its migration records");
        }
        for (Host host : apps) {
            app.restart(host);
        }
        parallel(apps, app::finish);
        parallel(target.hostsWith(Role.STATIC), edge::staticSite);
        parallel(edge.edgeHosts(), edge::nginx);
        allOk();
    }

    /**
     * Back to backend release {@code release}: app servers one at a time (health-checked), then, when
     * {@code staticSite}, the static site to its previous release. Config files are left as they are.
     */
    void rollback(String release, boolean staticSite) {
        for (Host host : target.hostsWith(Role.APP)) {
            app.rollback(host, release);
        }
        if (staticSite) {
            for (Host host : target.hostsWith(Role.STATIC)) {
                edge.rollbackStaticSite(host);
            }
        }
        allOk();
    }

    /**
     * The packages the host's roles need, leftovers of an interrupted deploy removed, the app's user
     * and folders, and files no service reloads.
     */
    private void bootstrap(Host host) {
        HostSession session = context.session(host);
        HostState state = context.state(host);
        PackageInstall install = context.plan(host).packages();
        if (install.needed()) {
            context.progress().step(host.name(), "installing " + String.join(", ", install.packages()));
            session.run("installing packages", packages.install(install.packages(), install.refreshLists()));
            report.changed(host.name());
        }
        if (!state.leftovers().isEmpty()) {
            session.run("removing leftovers of an interrupted deploy", files.removeLeftovers(state.leftovers()));
            context.progress().step(host.name(), "removed " + state.leftovers().size() + " leftover file(s) of an interrupted deploy");
            report.changed(host.name());
        }
        // Already in place on a redeploy: skipping it saves a round trip per app host.
        if (host.has(Role.APP) && !bootstrapped.contains(host.name())) {
            session.run("creating the app user and folders", context.services(host).appUserAndFolders());
        }
        List<FileChange> other = context.changes(host, ManagedService.NONE);
        staged.place(session, other);
        staged.commit(session, other);
    }

    private void runOn(Host host, Consumer<Host> work) {
        parallel(List.of(host), work);
    }

    private void parallel(List<Host> hosts, Consumer<Host> work) {
        HostExecutor.Outcome<Boolean> outcome = executor.each(hosts, Host::name, host -> {
            work.accept(host);
            return true;
        });
        outcome.failures().keySet().forEach(report::failed);
        outcome.throwIfFailed();
    }

    private void allOk() {
        for (Host host : target.hosts()) {
            report.ok(host.name());
        }
    }
}
