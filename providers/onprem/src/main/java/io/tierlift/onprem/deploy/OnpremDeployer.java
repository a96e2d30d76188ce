package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.command.FileCommands;
import io.tierlift.onprem.command.LeaseCommands;
import io.tierlift.onprem.facts.HostProbe;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.plan.Plan;
import io.tierlift.provider.Progress;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.secret.SecretResolver;
import io.tierlift.secret.SecretView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final FileCommands fileCommands = new FileCommands();
    private final LeaseCommands leaseCommands = new LeaseCommands();
    private final OnpremPlanner planner = new OnpremPlanner();

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
        final Map<String, Map<String, RenderedFile>> masked;
        final HostExecutor executor;
        final Releases releases;

        Run(AppDescriptor descriptor) {
            this(descriptor, true);
        }

        Run(AppDescriptor descriptor, boolean buildReleases) {
            this.descriptor = descriptor;
            this.target = descriptor.targets().onprem()
                    .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.onprem section"));
            this.masked = byHost(renderer.render(descriptor, SecretView.masked()));
            this.wanted = byHost(renderer.render(descriptor, SecretView.resolving(secrets)));
            this.executor = new HostExecutor(target.ssh().parallelism());
            this.releases = buildReleases ? releaseSource.build(descriptor) : Releases.none();
        }

        void connectAll() {
            HostExecutor.Outcome<HostSession> outcome = executor.each(target.hosts(), Host::name, host -> {
                HostSession session = new HostSession(host, connector.connect(host));
                progress.step(host.name(), "connected");
                return session;
            });
            sessions.putAll(outcome.results());
            outcome.throwIfFailed();
        }

        Map<String, HostState> probeAll() {
            HostExecutor.Outcome<HostState> outcome = executor.each(new ArrayList<>(sessions.values()), HostSession::name, session -> {
                List<String> paths = new ArrayList<>(wanted.getOrDefault(session.name(), Map.of()).keySet());
                ExecResult result = session.run("reading host state", probe.command(descriptor.app(), target.appRoot(),
                        descriptor.database().version(), paths));
                return probe.parse(session.name(), paths, result);
            });
            outcome.throwIfFailed();
            return outcome.results();
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
            return planner.plan(descriptor, states, run.wanted, run.masked, run::readLive, descriptorDigest, run.releases);
        }
    }

    /** Applies the descriptor; with a saved plan, refuses when a host changed since it was made. */
    public DeployReport deploy(AppDescriptor descriptor, String descriptorDigest, DeployOptions options, Optional<Plan> savedPlan,
                               java.util.function.Predicate<Plan> confirm) {
        try (Run run = new Run(descriptor)) {
            run.connectAll();
            List<String> leased = acquireLeases(run, options);
            try {
                Map<String, HostState> states = run.probeAll();
                OnpremPlanResult planned = planner.plan(descriptor, states, run.wanted, run.masked, (h, p) -> Optional.empty(), descriptorDigest,
                        run.releases);
                savedPlan.ifPresent(saved -> checkNotStale(saved, planned.plan()));
                DeployReport report = new DeployReport(planned.plan());
                if (planned.plan().hasChanges() && savedPlan.isEmpty() && !confirm.test(planned.plan())) {
                    throw new DeployCancelledException("deploy cancelled; nothing was changed");
                }
                new OnpremRollout(run.descriptor, run.target, run.sessions, planned.hosts(), run.executor, progress, report, secrets,
                        host -> new HostSession(host, connector.connectNew(host)), run.releases).apply();
                return report;
            } finally {
                releaseLeases(run, options, leased);
            }
        }
    }

    /** Returns every app server and the static site to the previous release, under the deploy lease. */
    public DeployReport rollback(AppDescriptor descriptor, DeployOptions options) {
        try (Run run = new Run(descriptor, false)) {
            run.connectAll();
            List<String> leased = acquireLeases(run, options);
            try {
                Map<String, HostState> states = run.probeAll();
                OnpremPlanResult planned = planner.plan(descriptor, states, run.wanted, run.masked, (h, p) -> Optional.empty(), "rollback",
                        Releases.none());
                DeployReport report = new DeployReport(planned.plan());
                new OnpremRollout(run.descriptor, run.target, run.sessions, planned.hosts(), run.executor, progress, report, secrets,
                        host -> new HostSession(host, connector.connectNew(host)), Releases.none()).rollback();
                return report;
            } finally {
                releaseLeases(run, options, leased);
            }
        }
    }

    /** Per host: services, releases, PostgreSQL role and replication lag, app health. */
    public List<HostStatus> status(AppDescriptor descriptor) {
        try (Run run = new Run(descriptor, false)) {
            run.connectAll();
            Map<String, HostState> states = run.probeAll();
            return new StatusReader(descriptor, run.target, run.sessions, states).read();
        }
    }

    private List<String> acquireLeases(Run run, DeployOptions options) {
        HostExecutor.Outcome<String> outcome = run.executor.each(new ArrayList<>(run.sessions.values()), HostSession::name, session -> {
            ExecResult result = session.attempt(leaseCommands.acquire(run.descriptor.app(), options.owner(),
                    options.leaseTtl().toSeconds(), options.breakStaleLease()));
            if (result.exitCode() == LeaseCommands.HELD) {
                throw new HostFailure(session.name(), "another deploy holds the lease: " + oneLine(result.stderr())
                        + "; if that deploy is dead (killed, lost connection), run again with --break-lock");
            }
            if (result.exitCode() == LeaseCommands.STALE) {
                throw new HostFailure(session.name(), "an expired deploy lease is in the way (" + oneLine(result.stderr())
                        + "); if that deploy is dead, run again with --break-lock");
            }
            if (!result.ok()) {
                throw new HostFailure(session.name(), "taking the deploy lease failed: " + result.stderr().strip());
            }
            if (result.stderr().contains("broke the lease of")) {
                progress.warn(session.name(), oneLine(result.stderr()));
            }
            return session.name();
        });
        if (!outcome.ok()) {
            releaseLeases(run, options, new ArrayList<>(outcome.results().keySet()));
            outcome.throwIfFailed();
        }
        return new ArrayList<>(outcome.results().keySet());
    }

    private void releaseLeases(Run run, DeployOptions options, List<String> hosts) {
        for (String host : hosts) {
            try {
                run.sessions.get(host).attempt(leaseCommands.release(run.descriptor.app(), options.owner()));
            } catch (RuntimeException e) {
                progress.warn(host, "could not release the deploy lease: " + e.getMessage());
            }
        }
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
