package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.deploy.RolloutContext.HostStep;
import io.tierlift.provider.Progress;
import io.tierlift.secret.SecretResolver;

import java.util.Optional;

/**
 * The database hosts: the primary (cluster, config, roles and database), then the standby, cloned
 * from the primary when it is not one yet. Config changes go through {@link StagedFiles}, so a
 * setting PostgreSQL rejects is taken back and the cluster keeps running on the previous files.
 */
final class DatabaseRollout {
    private final RolloutContext context;
    private final StagedFiles staged;
    private final PostgresSetup postgres;
    private final Progress progress;
    private final DeployReport report;

    DatabaseRollout(RolloutContext context, StagedFiles staged, SecretResolver secrets) {
        this.context = context;
        this.staged = staged;
        this.progress = context.progress();
        this.report = context.report();
        this.postgres = new PostgresSetup(context.descriptor(), context.target(), progress, secrets);
    }

    void primary(Host host) {
        HostStep on = context.step(host, ManagedService.POSTGRES);
        HostSession session = on.session();
        if (!on.state().postgresClusterExists()) {
            progress.step(host.name(), "creating PostgreSQL cluster");
            session.run("creating the PostgreSQL cluster", on.commands().postgresCreateCluster());
            report.changed(host.name());
        }
        boolean running = on.state().postgresPid().isPresent() && on.state().postgresClusterExists();
        staged.apply(session, on.config(), () -> startOrReload(on, running, "starting PostgreSQL", Optional.of("PostgreSQL started")),
                () -> session.attempt(on.commands().postgres(on.state().postgresPid().isEmpty() ? "start" : "reload")));
        if (postgres.ensureRolesAndDatabase(session, on.commands(), context.target().firstWith(Role.DB_STANDBY).isPresent())) {
            report.changed(host.name());
        }
    }

    void standby(Host host) {
        HostStep on = context.step(host, ManagedService.POSTGRES);
        if (!on.state().postgresClusterExists() || !on.state().postgresStandby()) {
            cloneStandby(on);
            return;
        }
        staged.apply(on.session(), on.config(), () -> startOrReload(on, on.state().postgresPid().isPresent(), "starting the standby", Optional.empty()),
                () -> on.session().attempt(on.commands().postgres("reload")));
    }

    /** Starts a cluster that is not running; reloads a running one whose config changed (restarting it only if a setting needs it). */
    private void startOrReload(HostStep on, boolean running, String starting, Optional<String> started) {
        if (!running) {
            on.session().run(starting, on.commands().postgres("start"));
            started.ifPresent(note -> progress.step(on.host().name(), note));
            report.changed(on.host().name());
        } else if (!on.config().isEmpty()) {
            postgres.reload(on.session(), on.commands());
            report.changed(on.host().name());
        }
    }

    /** A new standby, or a host that is not one yet: its data folder is replaced by a base backup of the primary. */
    private void cloneStandby(HostStep on) {
        Host primary = context.target().firstWith(Role.DB_PRIMARY).orElseThrow();
        if (!on.state().postgresClusterExists()) {
            on.session().run("creating the PostgreSQL cluster", on.commands().postgresCreateCluster());
        }
        staged.place(on.session(), on.config());
        postgres.cloneFromPrimary(context.session(primary), on.session(), on.commands(), primary, on.host(),
                on.state().postgresPid().isPresent());
        on.session().run("starting the standby", on.commands().postgres("start"));
        staged.commit(on.session(), on.config());
        postgres.waitForStreaming(context.session(primary), context.services(primary), on.host());
        report.changed(on.host().name());
    }
}
