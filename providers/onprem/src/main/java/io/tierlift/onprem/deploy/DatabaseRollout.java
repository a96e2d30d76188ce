package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.provider.Progress;
import io.tierlift.secret.SecretResolver;

import java.util.List;

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
        HostSession session = context.session(host);
        HostState state = context.state(host);
        ServiceCommands commands = context.services(host);
        if (!state.postgresClusterExists()) {
            progress.step(host.name(), "creating PostgreSQL cluster");
            session.run("creating the PostgreSQL cluster", commands.postgresCreateCluster());
            report.changed(host.name());
        }
        List<FileChange> config = context.changes(host, ManagedService.POSTGRES);
        staged.apply(session, config, () -> {
            if (state.postgresPid().isEmpty() || !state.postgresClusterExists()) {
                session.run("starting PostgreSQL", commands.postgres("start"));
                progress.step(host.name(), "PostgreSQL started");
                report.changed(host.name());
            } else if (!config.isEmpty()) {
                postgres.reload(session, commands);
                report.changed(host.name());
            }
        }, () -> session.attempt(commands.postgres(state.postgresPid().isEmpty() ? "start" : "reload")));
        if (postgres.ensureRolesAndDatabase(session, commands, context.target().firstWith(Role.DB_STANDBY).isPresent())) {
            report.changed(host.name());
        }
    }

    void standby(Host host) {
        HostSession session = context.session(host);
        HostState state = context.state(host);
        ServiceCommands commands = context.services(host);
        List<FileChange> config = context.changes(host, ManagedService.POSTGRES);
        if (!state.postgresClusterExists() || !state.postgresStandby()) {
            cloneStandby(host, config);
            return;
        }
        staged.apply(session, config, () -> {
            if (state.postgresPid().isEmpty()) {
                session.run("starting the standby", commands.postgres("start"));
                report.changed(host.name());
            } else if (!config.isEmpty()) {
                postgres.reload(session, commands);
                report.changed(host.name());
            }
        }, () -> session.attempt(commands.postgres("reload")));
    }

    /** A new standby, or a host that is not one yet: its data folder is replaced by a base backup of the primary. */
    private void cloneStandby(Host host, List<FileChange> config) {
        HostSession session = context.session(host);
        HostState state = context.state(host);
        ServiceCommands commands = context.services(host);
        Host primary = context.target().firstWith(Role.DB_PRIMARY).orElseThrow();
        if (!state.postgresClusterExists()) {
            session.run("creating the PostgreSQL cluster", commands.postgresCreateCluster());
        }
        staged.place(session, config);
        postgres.cloneFromPrimary(context.session(primary), session, commands, primary, host, state.postgresPid().isPresent());
        session.run("starting the standby", commands.postgres("start"));
        staged.commit(session, config);
        postgres.waitForStreaming(context.session(primary), context.services(primary), host);
        report.changed(host.name());
    }
}
