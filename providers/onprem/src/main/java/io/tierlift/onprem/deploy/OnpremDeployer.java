package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.FileCommands;
import io.tierlift.onprem.command.LeaseCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.facts.HostProbe;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.release.KeptReleases;
import io.tierlift.onprem.release.ReleaseCommands;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.plan.Plan;
import io.tierlift.provider.Progress;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.secret.SecretResolver;
import io.tierlift.secret.SecretView;
import io.tierlift.tier.ReleaseEntry;
import io.tierlift.tier.RollbackChoice;
import io.tierlift.tier.RollbackRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.TreeMap;

/**
 * Plans and deploys the on-prem tier: connect to every host once, take the deploy lease, read each
 * host's state in one round trip, compare with the rendered files, then apply host by host in the
 * order the app needs (databases, app servers one at a time, edge), keeping every host serving.
 */
public final class OnpremDeployer {
    private final Connector connector;
    private final RenderProvider renderer;
    private final SecretResolver secrets;
    private final Progress progress;
    private final ReleaseSource releaseSource;
    private final HostProbe probe = new HostProbe();
    private final PackageSources packageSources = new PackageSources();
    private final FileCommands fileCommands = new FileCommands();
    private final LeaseCommands leaseCommands = new LeaseCommands();
    private final OnpremPlanner planner = new OnpremPlanner();
    private final LeaseProbe leaseProbe = new LeaseProbe();
    private final ReleaseCommands releaseCommands = new ReleaseCommands();

    public OnpremDeployer(Connector connector, RenderProvider renderer, SecretResolver secrets, Progress progress,
                          ReleaseSource releaseSource) {
        this.connector = connector;
        this.releaseSource = releaseSource;
        this.renderer = renderer;
        this.secrets = secrets;
        this.progress = progress;
    }

    /** Everything a run holds open: sessions per host and the rendered files. */
    final class Run implements AutoCloseable {
        final AppDescriptor descriptor;
        final OnpremTarget target;
        final Map<String, HostSession> sessions = new LinkedHashMap<>();
        final Map<String, Map<String, RenderedFile>> wanted;
        private Map<String, Map<String, RenderedFile>> masked;
        final HostExecutor executor;
        final Releases releases;
        private final HostExecutor.Pending<HostSession> connecting;

        Run(AppDescriptor descriptor) {
            this(descriptor, true);
        }

        /**
         * Starts connecting to every host first, so the SSH handshakes (the slowest part of a run
         * that changes nothing) overlap with rendering and building the releases here.
         */
        Run(AppDescriptor descriptor, boolean buildReleases) {
            this.descriptor = descriptor;
            this.target = descriptor.targets().onprem()
                    .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.onprem section"));
            this.executor = new HostExecutor(target.ssh().parallelism());
            this.connecting = executor.start(target.hosts(), Host::name, host -> {
                HostSession session = new HostSession(host, connector.connect(host));
                progress.step(host.name(), "connected");
                return session;
            });
            try {
                this.wanted = byHost(renderer.render(descriptor, SecretView.resolving(secrets)));
                this.releases = buildReleases ? releaseSource.build(descriptor) : Releases.none();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        void connectAll() {
            HostExecutor.Outcome<HostSession> outcome = connecting.await();
            sessions.putAll(outcome.results());
            outcome.throwIfFailed();
        }

        /** Connects every host that answers and returns the others with why; status reports those rather than failing. */
        Map<String, RuntimeException> connectReachable() {
            HostExecutor.Outcome<HostSession> outcome = connecting.await();
            sessions.putAll(outcome.results());
            return outcome.failures();
        }

        Map<String, HostState> probeAll() {
            HostExecutor.Outcome<HostState> outcome = executor.each(new ArrayList<>(sessions.values()), HostSession::name, session -> {
                List<String> paths = new ArrayList<>(wanted.getOrDefault(session.name(), Map.of()).keySet());
                List<String> packages = RolePackages.of(descriptor, target, session.host());
                ExecResult result = session.run("reading host state", probe.command(descriptor.app(), target.appRoot(),
                        descriptor.database().version(), packages, paths));
                return packageSources.complete(session, probe.parse(session.name(), paths, result), packages);
            });
            outcome.throwIfFailed();
            return outcome.results();
        }

        /**
         * Names an existing app database that is not UTF8 on the primary (when its PostgreSQL runs): plan shows
         * it before a deploy would, which leaves the database as it is.
         */
        void warnAboutDatabaseEncoding(Map<String, HostState> states) {
            for (HostSession session : sessions.values()) {
                HostState state = states.get(session.name());
                if (!session.host().has(Role.DB_PRIMARY) || state == null || state.postgresPid().isEmpty() || state.postgresStandby()) {
                    continue;
                }
                ServiceCommands commands = ServiceCommands.forApp(descriptor, target.appRoot(), state.systemd());
                ExecResult answer = session.attempt(commands.psql("postgres"),
                        DatabaseEncoding.query(descriptor.database().name()).getBytes(StandardCharsets.UTF_8));
                answer.out().lines().map(DatabaseEncoding::parse).flatMap(Optional::stream).findFirst()
                        .flatMap(encoding -> DatabaseEncoding.warning(descriptor.database().name(), encoding))
                        .ifPresent(warning -> progress.warn(session.name(), warning));
            }
        }

        /**
         * Names what keeps WAL from the backup repository (its server down, its disk full, pushes
         * failing on the primary) with the host and the fix. A warning, not a failed plan: the app
         * serves meanwhile, and a deploy is often how the operator fixes it. Skipped until backups
         * are deployed (the repository's config is on its host).
         */
        void warnAboutBackups(Map<String, HostState> states) {
            OnpremBackups.warnAfterDeploy(descriptor, target, states, sessions, progress);
        }

        /** The files with stand-ins for secrets, for diffs: rendered the first time a file differs. */
        synchronized Map<String, Map<String, RenderedFile>> masked() {
            if (masked == null) {
                masked = byHost(renderer.render(descriptor, SecretView.masked()));
            }
            return masked;
        }

        Optional<String> readLive(String host, String path) {
            ExecResult result = sessions.get(host).attempt(fileCommands.read(path));
            return result.ok() ? Optional.of(result.out()) : Optional.empty();
        }

        @Override
        public void close() {
            executor.close();
            connector.close();
        }

        /** Runs work on every connected host in parallel; collects every host's failure. */
        <T> HostExecutor.Outcome<T> onEachSession(java.util.function.Function<HostSession, T> work) {
            return executor.each(new ArrayList<>(sessions.values()), HostSession::name, work);
        }
    }

    private static Map<String, Map<String, RenderedFile>> byHost(List<RenderedFile> files) {
        Map<String, Map<String, RenderedFile>> result = new TreeMap<>();
        for (RenderedFile file : files) {
            int slash = file.location().indexOf('/');
            result.computeIfAbsent(file.location().substring(0, slash), h -> new TreeMap<>())
                    .put(file.location().substring(slash), file);
        }
        return result;
    }

    /** Reads every host and returns what a deploy would change; changes nothing. */
    public OnpremPlanResult plan(AppDescriptor descriptor, String descriptorDigest) {
        try (Run run = new Run(descriptor)) {
            run.connectAll();
            Map<String, HostState> states = run.probeAll();
            OnpremPlanResult result = planner.plan(descriptor, states, run.wanted, run::masked, run::readLive, descriptorDigest,
                    run.releases);
            run.warnAboutDatabaseEncoding(states);
            run.warnAboutBackups(states);
            return result;
        }
    }

    /** Applies the descriptor; with a saved plan, refuses when a host changed since it was made. */
    public DeployReport deploy(AppDescriptor descriptor, String descriptorDigest, DeployOptions options, Optional<Plan> savedPlan,
                               java.util.function.Predicate<Plan> confirm) {
        try (Run run = new Run(descriptor)) {
            run.connectAll();
            Leased leased = leaseAndProbe(run, options);
            try {
                OnpremPlanResult planned = planner.plan(descriptor, leased.states(), run.wanted, run::masked, (h, p) -> Optional.empty(),
                        descriptorDigest, run.releases);
                savedPlan.ifPresent(saved -> checkNotStale(saved, planned.plan()));
                DeployReport report = new DeployReport(planned.plan());
                if (planned.plan().hasChanges() && savedPlan.isEmpty() && !confirm.test(planned.plan())) {
                    throw new DeployCancelledException("deploy cancelled; nothing was changed");
                }
                rollout(run, planned, report, run.releases, leased).apply(options.releaseCommand());
                return report;
            } finally {
                releaseLeases(run, options, leased.hosts());
            }
        }
    }

    /**
     * Returns every app server to the release {@code request} names (or the previous one, together with
     * the static site), under the deploy lease. The release must be kept on every app host, and a release
     * older than the database's schema is refused unless forced, before anything changes.
     */
    public RolledBack rollback(AppDescriptor descriptor, DeployOptions options, RollbackRequest request) {
        try (Run run = new Run(descriptor, false)) {
            run.connectAll();
            Leased leased = leaseAndProbe(run, options);
            try {
                Map<String, KeptReleases> kept = keptReleases(run);
                KeptReleases first = kept.values().iterator().next();
                RollbackChoice choice = RollbackChoice.of(first.releases(), request, first.previous());
                List<String> missing = kept.entrySet().stream().filter(e -> !e.getValue().has(choice.target().id()))
                        .map(Map.Entry::getKey).toList();
                if (!missing.isEmpty()) {
                    throw new HostFailure(String.join(", ", missing), "does not keep release " + choice.target().id()
                            + "; nothing was changed");
                }
                progress.warn("rollback", choice.databaseNote());
                OnpremPlanResult planned = planner.plan(descriptor, leased.states(), run.wanted, run::masked, (h, p) -> Optional.empty(),
                        "rollback", Releases.none());
                DeployReport report = new DeployReport(planned.plan());
                rollout(run, planned, report, Releases.none(), leased).rollback(choice.target().id(), request.to().isEmpty());
                return new RolledBack(choice, report);
            } finally {
                releaseLeases(run, options, leased.hosts());
            }
        }
    }

    /** Where a rollback went and what it did on each host. */
    public record RolledBack(RollbackChoice choice, DeployReport report) {
    }

    /** The backend releases the app hosts keep, newest first as the first app host lists them. */
    public List<ReleaseEntry> releases(AppDescriptor descriptor) {
        try (Run run = new Run(descriptor, false)) {
            run.connectAll();
            return keptReleases(run).values().iterator().next().releases();
        }
    }

    /** Per app host, in host order, one round trip each: the releases it keeps. */
    private Map<String, KeptReleases> keptReleases(Run run) {
        List<HostSession> apps = run.target.hostsWith(Role.APP).stream().map(h -> run.sessions.get(h.name())).toList();
        if (apps.isEmpty()) {
            throw new HostFailure("onprem", "no host has role app: there are no releases");
        }
        HostExecutor.Outcome<KeptReleases> outcome = run.executor.each(apps, HostSession::name, session ->
                KeptReleases.parse(session.run("listing the releases", releaseCommands.list(run.target.appRoot())).out()));
        outcome.throwIfFailed();
        Map<String, KeptReleases> inOrder = new LinkedHashMap<>();
        apps.forEach(session -> inOrder.put(session.name(), outcome.results().get(session.name())));
        return inOrder;
    }

    private OnpremRollout rollout(Run run, OnpremPlanResult planned, DeployReport report, Releases releases, Leased leased) {
        RolloutContext context = new RolloutContext(run.descriptor, run.sessions, planned.hosts(), releases, progress, report);
        return new OnpremRollout(context, run.executor, secrets, host -> new HostSession(host, connector.connectNew(host)),
                leased.bootstrapped());
    }

    /** Per host: services, releases, PostgreSQL role and replication lag, app health. */
    public List<HostStatus> status(AppDescriptor descriptor) {
        try (Run run = new Run(descriptor, false)) {
            Map<String, RuntimeException> unreachable = run.connectReachable();
            Map<String, HostState> states = run.probeAll();
            return new StatusReader(descriptor, run.target, run.sessions, states, unreachable).read();
        }
    }

    /** The hosts whose lease this run holds, their states, and those whose app user and folders are in place. */
    private record Leased(List<String> hosts, Map<String, HostState> states, Set<String> bootstrapped) {
    }

    /** Per host, one round trip: take the deploy lease and, only with it held, read the host's state. */
    private Leased leaseAndProbe(Run run, DeployOptions options) {
        Set<String> leased = ConcurrentHashMap.newKeySet();
        Set<String> bootstrapped = ConcurrentHashMap.newKeySet();
        HostExecutor.Outcome<HostState> outcome = run.onEachSession(session -> {
            List<String> paths = new ArrayList<>(run.wanted.getOrDefault(session.name(), Map.of()).keySet());
            RemoteCommand lease = leaseCommands.acquire(run.descriptor.app(), options.owner(), options.leaseTtl().toSeconds(),
                    options.breakStaleLease());
            List<String> packages = RolePackages.of(run.descriptor, run.target, session.host());
            RemoteCommand state = probe.command(run.descriptor.app(), run.target.appRoot(), run.descriptor.database().version(),
                    packages, paths);
            LeaseProbe.Answer answer = leaseProbe.read(session.attempt(leaseProbe.command(lease, state, run.descriptor.app(),
                    run.target.appRoot())));
            if (answer.leased()) {
                leased.add(session.name());
            }
            if (answer.bootstrapped()) {
                bootstrapped.add(session.name());
            }
            ExecResult result = answer.result();
            if (!answer.leased()) {
                throw leaseRefused(session.name(), result);
            }
            if (result.stderr().contains("broke the lease of")) {
                progress.warn(session.name(), oneLine(result.stderr().lines()
                        .filter(l -> l.contains("broke the lease of")).findFirst().orElse("")));
            }
            return packageSources.complete(session, probe.parse(session.name(), paths, result), packages);
        });
        // in host order, whichever thread finished first
        List<String> held = run.target.hosts().stream().map(Host::name).filter(leased::contains).toList();
        if (!outcome.ok()) {
            releaseLeases(run, options, held);
            outcome.throwIfFailed();
        }
        return new Leased(held, outcome.results(), Set.copyOf(bootstrapped));
    }

    private static HostFailure leaseRefused(String host, ExecResult result) {
        if (result.exitCode() == LeaseCommands.HELD) {
            return new HostFailure(host, "another deploy holds the lease: " + oneLine(result.stderr())
                    + "; if that deploy is dead (killed, lost connection), run again with --break-lock");
        }
        if (result.exitCode() == LeaseCommands.STALE) {
            return new HostFailure(host, "an expired deploy lease is in the way (" + oneLine(result.stderr())
                    + "); if that deploy is dead, run again with --break-lock");
        }
        return new HostFailure(host, "taking the deploy lease failed (exit " + result.exitCode() + "): " + result.stderr().strip());
    }

    /** Gives the leases back on every host at once: a run that changed nothing is done as soon as they are. */
    private void releaseLeases(Run run, DeployOptions options, List<String> hosts) {
        List<HostSession> sessions = hosts.stream().map(run.sessions::get).toList();
        HostExecutor.Outcome<ExecResult> outcome = run.executor.each(sessions, HostSession::name,
                session -> session.attempt(leaseCommands.release(run.descriptor.app(), options.owner())));
        outcome.failures().forEach((host, e) -> progress.warn(host, "could not release the deploy lease: " + e.getMessage()));
    }

    private static void checkNotStale(Plan saved, Plan now) {
        for (Map.Entry<String, String> entry : saved.fingerprints().entrySet()) {
            String current = now.fingerprints().get(entry.getKey());
            if (!entry.getValue().equals(current)) {
                throw new StalePlanException("host " + entry.getKey() + " changed since the plan was made; run plan again");
            }
        }
        if (!saved.descriptorDigest().equals(now.descriptorDigest())) {
            throw new StalePlanException("the descriptor changed since the plan was made; run plan again");
        }
    }

    private static String oneLine(String text) {
        return text.strip().replace('\n', ' ');
    }
}
