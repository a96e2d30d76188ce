package io.tierlift.onprem.destroy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.LeaseCommands;
import io.tierlift.onprem.deploy.DeployOptions;
import io.tierlift.onprem.deploy.HostExecutor;
import io.tierlift.onprem.deploy.HostFailure;
import io.tierlift.onprem.deploy.HostSession;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.provider.Progress;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.tier.TierFailure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Carries out a {@link TeardownPlan}: reach every host and take the deploy lease on each (an unreachable
 * host or a running deploy fails it before anything changes), stop the services everywhere, take the
 * final dump when the data goes, drop the clusters (standbys first), then delete the firewall table and
 * remove the files. The lease lives in the state folder removed last, so it ends with the host's state.
 */
public final class OnpremTeardown {
    private static final byte[] DUMP_MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);

    private final Connector connector;
    private final Progress progress;
    private final LeaseCommands leases = new LeaseCommands();

    public OnpremTeardown(Connector connector, Progress progress) {
        this.connector = connector;
        this.progress = progress;
    }

    /** Runs the plan; returns what was done, one line each, for the operator. */
    public List<String> run(AppDescriptor descriptor, TeardownPlan plan, DeployOptions options) {
        OnpremTarget target = descriptor.targets().onprem().orElseThrow();
        TeardownCommands commands = new TeardownCommands(descriptor.app(), target.appRoot());
        try (connector; HostExecutor executor = new HostExecutor(target.ssh().parallelism())) {
            Map<String, HostSession> sessions = connect(executor, target.hosts());
            List<HostSession> leased = lease(executor, sessions, descriptor.app(), options);
            try {
                List<String> summary = new ArrayList<>();
                each(executor, plan, host -> {
                    if (!host.services().isEmpty()) {
                        sessions.get(host.name()).run("stopping " + host.services(), commands.stop(host.services()));
                        progress.step(host.name(), "services stopped and disabled");
                    }
                    return host;
                });
                for (TeardownPlan.HostTeardown host : plan.hosts()) {
                    if (host.dump()) {
                        summary.add(dump(sessions.get(host.name()), commands, descriptor, plan.dumpFile().orElseThrow()));
                    }
                }
                List<TeardownPlan.HostTeardown> clusters = new ArrayList<>(plan.hosts().stream().filter(TeardownPlan.HostTeardown::dropCluster)
                        .sorted(java.util.Comparator.comparing(h -> h.host().has(Role.DB_PRIMARY) ? 1 : 0)).toList());
                for (TeardownPlan.HostTeardown host : clusters) {
                    sessions.get(host.name()).run("dropping the PostgreSQL cluster", commands.dropCluster(descriptor.database().version()));
                    progress.step(host.name(), "PostgreSQL cluster dropped");
                }
                each(executor, plan, host -> {
                    HostSession session = sessions.get(host.name());
                    session.run("deleting the firewall table", commands.removeFirewall(FirewallRenderer.UNIT));
                    session.run("removing tierlift's files", commands.remove(host.removed(), host.removedIfEmpty()));
                    progress.step(host.name(), "cleared");
                    return host;
                });
                for (TeardownPlan.HostTeardown host : plan.hosts()) {
                    summary.add(host.name() + ": cleared (" + (host.services().isEmpty() ? "" : "services stopped and disabled, ")
                            + (host.dropCluster() ? "PostgreSQL cluster dropped, " : "")
                            + (host.dropRepository() ? "backup repository deleted, " : "")
                            + "firewall table " + TeardownPlan.FIREWALL_TABLE + " deleted, " + host.removed().size() + " path(s) removed)"
                            + (host.kept().isEmpty() ? "" : "; kept: " + String.join("; ", host.kept())));
                }
                summary.add(plan.deleteData() ? "data: deleted; the final dump is " + plan.dumpFile().orElseThrow()
                        : "data: kept (the PostgreSQL clusters run on; destroy again with --force-data-deletion to dump and drop them)");
                summary.add("the packages tierlift installed and the system user " + descriptor.app() + " stay on the hosts");
                return summary;
            } finally {
                // Where the state folder is gone, so is the lease; where a step failed, give it back.
                for (HostSession session : leased) {
                    session.attempt(leases.release(descriptor.app(), options.owner()));
                }
            }
        }
    }

    /** Every host at once; any host that cannot be reached fails the destroy with its name before anything changes. */
    private Map<String, HostSession> connect(HostExecutor executor, List<Host> hosts) {
        HostExecutor.Outcome<HostSession> outcome = executor.each(hosts, Host::name, host -> {
            HostSession session = new HostSession(host, connector.connect(host));
            progress.step(host.name(), "connected");
            return session;
        });
        if (!outcome.ok()) {
            throw new HostFailure(String.join(", ", outcome.failures().keySet()), "cannot be reached, so nothing was changed on any host: "
                    + String.join("; ", outcome.failures().values().stream().map(Throwable::getMessage).toList()));
        }
        return new LinkedHashMap<>(outcome.results());
    }

    /** The deploy's lease on every host, so no deploy runs while the hosts are cleared; refused anywhere, nothing changes. */
    private List<HostSession> lease(HostExecutor executor, Map<String, HostSession> sessions, String app, DeployOptions options) {
        HostExecutor.Outcome<ExecResult> outcome = executor.each(new ArrayList<>(sessions.values()), HostSession::name,
                session -> session.attempt(leases.acquire(app, options.owner(), options.leaseTtl().toSeconds(), false)));
        List<HostSession> held = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (HostSession session : sessions.values()) {
            ExecResult result = outcome.results().get(session.name());
            if (result != null && result.ok()) {
                held.add(session);
            } else {
                refused.add(session.name() + ": " + (result == null ? outcome.failures().get(session.name()).getMessage()
                        : result.exitCode() == LeaseCommands.HELD || result.exitCode() == LeaseCommands.STALE
                        ? "a deploy holds the lease (" + result.stderr().strip().replace('\n', ' ') + ")"
                        : "taking the lease failed (exit " + result.exitCode() + "): " + result.stderr().strip()));
            }
        }
        if (!refused.isEmpty()) {
            for (HostSession session : held) {
                session.attempt(leases.release(app, options.owner()));
            }
            throw new HostFailure(refused.get(0).substring(0, refused.get(0).indexOf(':')),
                    "destroy changed nothing: " + String.join("; ", refused));
        }
        return held;
    }

    /** The same step on every host at once; a host that fails it fails the destroy (the others finish their step). */
    private static void each(HostExecutor executor, TeardownPlan plan, Function<TeardownPlan.HostTeardown, TeardownPlan.HostTeardown> work) {
        executor.each(plan.hosts(), TeardownPlan.HostTeardown::name, work).throwIfFailed();
    }

    /**
     * pg_dump of the app database after the app stopped (so it holds the last write), kept on this machine in a
     * folder only the operator reads; nothing is dropped unless it arrived whole.
     */
    private String dump(HostSession session, TeardownCommands commands, AppDescriptor descriptor, Path file) {
        progress.step(session.name(), "dumping database " + descriptor.database().name() + " to " + file);
        ExecResult result = session.run("the final dump of " + descriptor.database().name() + " (nothing was dropped)",
                commands.dump(descriptor.database().name(), descriptor.database().port()));
        byte[] dump = result.stdout();
        if (dump.length < DUMP_MAGIC.length || !Arrays.equals(Arrays.copyOf(dump, DUMP_MAGIC.length), DUMP_MAGIC)) {
            throw new HostFailure(session.name(), "the final dump is not a pg_dump archive (" + dump.length + " bytes); nothing was dropped");
        }
        try {
            Path folder = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(folder)) {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path partial = Files.createTempFile(folder, file.getFileName().toString(), ".partial",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(partial, dump);
            if (Files.exists(file)) {
                Files.delete(partial);
                throw new FileAlreadyExistsException(file.toString());
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TierFailure("writing the final dump to " + file + " failed, nothing was dropped: " + e.getMessage(), e);
        }
        progress.step(session.name(), "final dump kept: " + file + " (" + dump.length + " bytes)");
        return "final dump of database " + descriptor.database().name() + " (pg_dump custom format, " + dump.length + " bytes): " + file;
    }
}
