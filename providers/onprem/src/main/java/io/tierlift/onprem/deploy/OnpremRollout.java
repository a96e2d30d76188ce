package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.FileCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.release.ReleaseCommands;
import io.tierlift.onprem.release.ReleaseSet;
import io.tierlift.plan.Action;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.provider.Progress;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a plan in the order the app needs: bootstrap, database primary, standby, app servers one
 * at a time, then the edge. Each service's files are staged, swapped in, validated and reloaded;
 * when validation or the reload fails the previous files go back and the host keeps serving.
 */
final class OnpremRollout {
    private final AppDescriptor descriptor;
    private final OnpremTarget target;
    private final Map<String, HostSession> sessions;
    private final Map<String, HostPlan> plans;
    private final HostExecutor executor;
    private final Progress progress;
    private final DeployReport report;
    private static final int FIREWALL_ROLLBACK_SECONDS = 30;
    private final FileCommands files = new FileCommands();
    private final ReleaseCommands releaseCommands = new ReleaseCommands();
    private final Releases releases;
    private final io.tierlift.onprem.command.FirewallCommands firewallCommands = new io.tierlift.onprem.command.FirewallCommands();
    private final java.util.function.Function<Host, HostSession> freshSessions;
    private final PostgresSetup postgres;
    private final java.util.Set<String> bootstrapped;
    /** Waits between app host restarts; a field so a test could pass a clock of its own. */
    private final java.util.function.Consumer<java.time.Duration> pause = OnpremRollout::sleep;

    /** {@code bootstrapped}: hosts whose app user and folders were seen in place when their state was read. */
    OnpremRollout(AppDescriptor descriptor, OnpremTarget target, Map<String, HostSession> sessions,
                  Map<String, HostPlan> plans, HostExecutor executor, Progress progress, DeployReport report,
                  io.tierlift.secret.SecretResolver secrets, java.util.function.Function<Host, HostSession> freshSessions,
                  Releases releases, java.util.Set<String> bootstrapped) {
        this.bootstrapped = java.util.Set.copyOf(bootstrapped);
        this.freshSessions = freshSessions;
        this.releases = releases;
        this.descriptor = descriptor;
        this.target = target;
        this.sessions = sessions;
        this.plans = plans;
        this.executor = executor;
        this.progress = progress;
        this.report = report;
        this.postgres = new PostgresSetup(descriptor, target, progress, secrets);
    }

    void apply() {
        parallel(target.hosts(), this::bootstrap);
        // Firewall before the services: connections made afterwards (replication, app to database)
        // are tracked from their first packet, so the stateful rules never see them mid-stream.
        parallel(target.hosts(), this::firewall);
        target.firstWith(Role.DB_PRIMARY).ifPresent(this::primary);
        target.firstWith(Role.DB_STANDBY).ifPresent(this::standby);
        List<Host> apps = target.hostsWith(Role.APP);
        parallel(apps, this::prepareApp);
        runReleaseCommand(apps);
        for (Host app : apps) {
            appServer(app);
        }
        parallel(apps, this::finishApp);
        parallel(target.hostsWith(Role.STATIC), this::staticSite);
        parallel(target.hosts().stream().filter(h -> h.has(Role.WAF) || h.has(Role.PROXY) || h.has(Role.STATIC)).toList(), this::edge);
        for (Host host : target.hosts()) {
            report.ok(host.name());
        }
    }

    private void parallel(List<Host> hosts, java.util.function.Consumer<Host> work) {
        HostExecutor.Outcome<Boolean> outcome = executor.each(hosts, Host::name, host -> {
            work.accept(host);
            return true;
        });
        outcome.failures().keySet().forEach(report::failed);
        outcome.throwIfFailed();
    }

    private ServiceCommands services(Host host) {
        HostState state = plans.get(host.name()).state();
        return new ServiceCommands(state.systemd(), descriptor.app(), target.appRoot(), descriptor.database().version(),
                descriptor.database().port());
    }

    private List<FileChange> changes(Host host, ManagedService service) {
        return plans.get(host.name()).files().stream().filter(c -> c.service() == service).toList();
    }

    private void bootstrap(Host host) {
        HostSession session = sessions.get(host.name());
        HostState state = plans.get(host.name()).state();
        if (!state.leftovers().isEmpty()) {
            session.run("removing leftovers of an interrupted deploy", files.removeLeftovers(state.leftovers()));
            progress.step(host.name(), "removed " + state.leftovers().size() + " leftover file(s) of an interrupted deploy");
            report.changed(host.name());
        }
        // Already in place on a redeploy: skipping it saves a round trip per app host.
        if (host.has(Role.APP) && !bootstrapped.contains(host.name())) {
            session.run("creating the app user and folders", RemoteCommand.script(String.join("\n",
                    "app=$1; root=$2",
                    "getent group \"$app\" >/dev/null || groupadd --system \"$app\"",
                    "getent passwd \"$app\" >/dev/null || useradd --system --gid \"$app\" --home-dir \"$root\" --no-create-home --shell /usr/sbin/nologin \"$app\"",
                    "install -d -m 0755 \"$root\" \"$root/releases\"",
                    "install -d -o \"$app\" -g \"$app\" -m 0750 \"/var/log/$app\""), descriptor.app(), target.appRoot()));
        }
        List<FileChange> other = changes(host, ManagedService.NONE);
        if (!other.isEmpty()) {
            place(session, other);
            session.run("committing files", files.commit(paths(other)));
        }
    }

    private void primary(Host host) {
        HostSession session = sessions.get(host.name());
        HostState state = plans.get(host.name()).state();
        ServiceCommands commands = services(host);
        if (!state.postgresClusterExists()) {
            progress.step(host.name(), "creating PostgreSQL cluster");
            session.run("creating the PostgreSQL cluster", commands.postgresCreateCluster());
            report.changed(host.name());
        }
        List<FileChange> config = changes(host, ManagedService.POSTGRES);
        withRestoreOnFailure(session, config, () -> {
            if (state.postgresPid().isEmpty() || !state.postgresClusterExists()) {
                session.run("starting PostgreSQL", commands.postgres("start"));
                progress.step(host.name(), "PostgreSQL started");
                report.changed(host.name());
            } else if (!config.isEmpty()) {
                postgres.reload(session, commands);
                report.changed(host.name());
            }
        }, () -> session.attempt(commands.postgres(state.postgresPid().isEmpty() ? "start" : "reload")));
        if (postgres.ensureRolesAndDatabase(session, commands, target.firstWith(Role.DB_STANDBY).isPresent())) {
            report.changed(host.name());
        }
    }

    private void standby(Host host) {
        HostSession session = sessions.get(host.name());
        HostState state = plans.get(host.name()).state();
        ServiceCommands commands = services(host);
        Host primary = target.firstWith(Role.DB_PRIMARY).orElseThrow();
        List<FileChange> config = changes(host, ManagedService.POSTGRES);
        boolean clone = !state.postgresClusterExists() || !state.postgresStandby();
        if (clone) {
            if (!state.postgresClusterExists()) {
                session.run("creating the PostgreSQL cluster", commands.postgresCreateCluster());
            }
            place(session, config);
            postgres.cloneFromPrimary(sessions.get(primary.name()), session, commands, primary, host, state.postgresPid().isPresent());
            session.run("starting the standby", commands.postgres("start"));
            session.run("committing files", files.commit(paths(config)));
            postgres.waitForStreaming(sessions.get(primary.name()), services(primary), host);
            report.changed(host.name());
            return;
        }
        withRestoreOnFailure(session, config, () -> {
            if (state.postgresPid().isEmpty()) {
                session.run("starting the standby", commands.postgres("start"));
                report.changed(host.name());
            } else if (!config.isEmpty()) {
                postgres.reload(session, commands);
                report.changed(host.name());
            }
        }, () -> session.attempt(commands.postgres("reload")));
    }

    /**
     * Before any app server restarts: the new release, its virtualenv and the app's config files
     * are put in place on every app host (in parallel), so the rolling part is only a switch and a
     * restart per host. Config files are swapped in but not committed until every host is healthy.
     */
    private void prepareApp(Host host) {
        HostSession session = sessions.get(host.name());
        HostPlan plan = plans.get(host.name());
        String root = target.appRoot();
        if (plan.newBackendRelease()) {
            var backend = releases.backend().orElseThrow();
            var wheelhouse = releases.wheelhouse().orElseThrow();
            if (!plan.state().releases().contains(backend.id())) {
                progress.step(host.name(), "uploading release " + backend.id() + " (" + backend.archiveSize() / 1024 + " KiB)");
                session.run("unpacking release " + backend.id(), releaseCommands.unpack(root, backend.id()), backend.archive());
            }
            if (!plan.state().venvs().contains(wheelhouse.id())) {
                progress.step(host.name(), "uploading wheels " + wheelhouse.id() + " (" + wheelhouse.archiveSize() / 1024 + " KiB) and building the virtualenv");
                session.run("unpacking wheels", releaseCommands.unpackWheelhouse(root, wheelhouse.id()), wheelhouse.archive());
                session.run("building the virtualenv", releaseCommands.buildVenv(root, wheelhouse.id(), "/usr/bin/python3"));
            }
            session.run("linking the virtualenv", releaseCommands.linkVenv(root, backend.id(), wheelhouse.id()));
        }
        place(session, changes(host, ManagedService.APP));
    }

    /** The release command (migrations) once per deploy, on one app host, with the new release's code. */
    private void runReleaseCommand(List<Host> apps) {
        var command = descriptor.backend().releaseCommand();
        Optional<Host> first = apps.stream().filter(h -> plans.get(h.name()).newBackendRelease()).findFirst();
        if (command.isEmpty() || first.isEmpty() || releases.backend().isEmpty()) {
            return;
        }
        Host host = first.get();
        String release = target.appRoot() + "/releases/" + releases.backend().get().id();
        progress.step(host.name(), "running the release command: " + command.get());
        var layout = new io.tierlift.render.onprem.app.AppLayout(descriptor.app(), target.appRoot());
        var result = sessions.get(host.name()).attempt(RemoteCommand.script(String.join("\n",
                "cd \"$1/backend\"",
                "exec runuser -u \"$2\" -- /usr/bin/python3 \"$3\" \"$4\" -- env PATH=\"$1/venv/bin:/usr/bin:/bin\" sh -c \"$5\""),
                release, layout.serviceUser(), io.tierlift.render.onprem.app.AppLayout.ENVEXEC, layout.environmentFile(), command.get()));
        for (String line : (result.out() + result.stderr()).split("\n")) {
            if (!line.isBlank()) {
                progress.step(host.name(), "  " + line);
            }
        }
        if (!result.ok()) {
            report.failed(host.name());
            throw new HostFailure(host.name(), "the release command failed (exit " + result.exitCode() + "); no app server was restarted");
        }
    }

    /**
     * One app server at a time: switch to the new release and restart gracefully (nginx sends new
     * requests to the other app hosts meanwhile), then wait for the health check. A host that does
     * not come back healthy is put back on its previous release and config, and the rollout stops
     * before the next host is touched.
     */
    private void appServer(Host host) {
        HostSession session = sessions.get(host.name());
        HostPlan plan = plans.get(host.name());
        HostState state = plan.state();
        ServiceCommands commands = services(host);
        List<FileChange> config = changes(host, ManagedService.APP);
        boolean restart = !config.isEmpty() || state.appPid().isEmpty() || plan.newBackendRelease();
        if (!restart) {
            return;
        }
        int graceful = (int) descriptor.backend().gracefulTimeout().toSeconds();
        boolean touched = false;
        try {
            if (plan.newBackendRelease()) {
                session.run("switching to release " + releases.backend().get().id(),
                        releaseCommands.activate(target.appRoot(), ReleaseSet.BACKEND, releases.backend().get().id()));
            }
            if (state.systemd() && config.stream().anyMatch(c -> c.path().startsWith("/etc/systemd/"))) {
                session.run("reloading systemd", commands.systemdReload());
            }
            var check = session.attempt(commands.appCheckConfig());
            if (!check.ok()) {
                List<String> lines = (check.stderr() + check.out()).strip().lines().toList();
                throw new HostFailure(host.name(), "gunicorn rejected the new release or config (nothing was restarted; the "
                        + "previous release keeps serving): " + String.join("\n", lines.subList(Math.max(0, lines.size() - 4), lines.size())));
            }
            touched = true;
            if (state.appPid().isPresent()) {
                progress.step(host.name(), "stopping " + descriptor.app() + "-api gracefully (nginx sends requests to the other app hosts)");
                session.run("stopping the app", commands.appStop(graceful));
            }
            session.run("starting the app", commands.appStart());
            session.run("health check " + descriptor.backend().health(), commands.appHealth(host.address(),
                    descriptor.backend().port(), descriptor.backend().health(), 30));
            progress.step(host.name(), descriptor.app() + "-api healthy on " + host.address() + ":" + descriptor.backend().port()
                    + releases.backend().map(r -> " (release " + r.id() + ")").orElse(""));
            letUpstreamRecover(host, target.hostsWith(Role.APP));
            report.changed(host.name());
        } catch (RuntimeException failure) {
            restore(session, config);
            state.currentRelease().ifPresent(previous -> session.attempt(releaseCommands.activate(target.appRoot(),
                    ReleaseSet.BACKEND, HostState.releaseId(Optional.of(previous)).orElseThrow())));
            // Only a server that was stopped or started here is brought back; one that was never touched keeps running.
            if (touched) {
                session.attempt(commands.appStop(graceful));
                if (state.appPid().isPresent()) {
                    session.attempt(commands.appStart());
                }
            }
            progress.step(host.name(), "previous release and configuration restored; the rollout stops here");
            report.failed(host.name());
            throw failure;
        }
    }

    /**
     * Back to the previous release, app servers one at a time (health-checked), then the static
     * site. Config files are left as they are: a rollback is about code, the descriptor is the
     * place to undo a config change.
     */
    void rollback() {
        for (Host host : target.hostsWith(Role.APP)) {
            HostSession session = sessions.get(host.name());
            HostState state = plans.get(host.name()).state();
            Optional<String> previous = HostState.releaseId(state.previousRelease());
            if (previous.isEmpty()) {
                throw new HostFailure(host.name(), "has no previous release to go back to");
            }
            ServiceCommands commands = services(host);
            int graceful = (int) descriptor.backend().gracefulTimeout().toSeconds();
            progress.step(host.name(), "rolling back to " + previous.get() + HostState.releaseId(state.currentRelease()).map(c -> " (from " + c + ")").orElse(""));
            session.run("switching to release " + previous.get(), releaseCommands.activate(target.appRoot(), ReleaseSet.BACKEND, previous.get()));
            session.run("stopping the app", commands.appStop(graceful));
            session.run("starting the app", commands.appStart());
            session.run("health check " + descriptor.backend().health(), commands.appHealth(host.address(),
                    descriptor.backend().port(), descriptor.backend().health(), 30));
            progress.step(host.name(), descriptor.app() + "-api healthy on release " + previous.get());
            letUpstreamRecover(host, target.hostsWith(Role.APP));
            report.changed(host.name());
        }
        for (Host host : target.hostsWith(Role.STATIC)) {
            HostState state = plans.get(host.name()).state();
            Optional<String> previous = HostState.releaseId(state.previousStatic());
            if (previous.isPresent()) {
                sessions.get(host.name()).run("switching the static site back", releaseCommands.activate(target.appRoot(), ReleaseSet.STATIC, previous.get()));
                progress.step(host.name(), "static site back on " + previous.get());
                report.changed(host.name());
            }
        }
        for (Host host : target.hosts()) {
            report.ok(host.name());
        }
    }

    /**
     * While an app host restarted, nginx may have marked it failed (passive health checks) for
     * fail_timeout. Restarting the next host before that expires could leave no live upstream, so
     * the rollout waits it out. Reloading the proxies would forget the failures at once, but a
     * reload closes every idle keep-alive client connection, and a client that sends a request on
     * one at that moment (wrk, many API clients) gets a socket error instead of a response.
     */
    private void letUpstreamRecover(Host restarted, List<Host> rotation) {
        if (rotation.indexOf(restarted) == rotation.size() - 1) {
            return;
        }
        progress.step(restarted.name(), "waiting " + EdgeTopology.UPSTREAM_FAIL_TIMEOUT.toSeconds()
                + " s for the proxies to take it back into rotation before the next app host restarts");
        pause.accept(EdgeTopology.UPSTREAM_FAIL_TIMEOUT);
    }

    private void finishApp(Host host) {
        List<FileChange> config = changes(host, ManagedService.APP);
        HostSession session = sessions.get(host.name());
        if (!config.isEmpty()) {
            session.run("committing files", files.commit(paths(config)));
        }
        if (plans.get(host.name()).newBackendRelease()) {
            session.attempt(releaseCommands.prune(target.appRoot(), ReleaseSet.BACKEND, target.releasesKept()));
            session.attempt(releaseCommands.pruneUnusedVenvs(target.appRoot()));
        }
    }

    /** The React build: uploaded as a release, then one atomic symlink switch. */
    private void staticSite(Host host) {
        HostPlan plan = plans.get(host.name());
        if (!plan.newStaticRelease()) {
            return;
        }
        HostSession session = sessions.get(host.name());
        var site = releases.site().orElseThrow();
        if (!plan.state().staticReleases().contains(site.id())) {
            progress.step(host.name(), "uploading static release " + site.id() + " (" + site.archiveSize() / 1024 + " KiB)");
            session.run("unpacking the static release", releaseCommands.unpackStatic(target.appRoot(), site.id()), site.archive());
        }
        session.run("switching the static site", releaseCommands.activate(target.appRoot(), ReleaseSet.STATIC, site.id()));
        session.attempt(releaseCommands.prune(target.appRoot(), ReleaseSet.STATIC, target.releasesKept()));
        progress.step(host.name(), "static site switched to " + site.id());
        report.changed(host.name());
    }

    private void restore(HostSession session, List<FileChange> config) {
        if (config.isEmpty()) {
            return;
        }
        List<String> existed = config.stream().filter(c -> c.action() != Action.CREATE).map(FileChange::path).toList();
        List<String> created = config.stream().filter(c -> c.action() == Action.CREATE).map(FileChange::path).toList();
        session.attempt(files.restore(existed, created));
    }

    private void edge(Host host) {
        HostSession session = sessions.get(host.name());
        HostState state = plans.get(host.name()).state();
        ServiceCommands commands = services(host);
        List<FileChange> config = changes(host, ManagedService.NGINX);
        if (config.isEmpty() && state.nginxPid().isPresent()) {
            return;
        }
        EdgeTopology edge = EdgeTopology.of(descriptor);
        // What nginx's config refers to but tierlift does not render: made once, left alone after.
        session.run("preparing nginx folders and certificate", RemoteCommand.script(String.join("\n",
                "set -e",
                "modsec=$1; user=$2; releases=$3; selfsigned=$4; crt=$5; key=$6; domain=$7",
                "install -d -o \"$user\" -g \"$user\" -m 0750 \"$modsec\"",
                "install -d -m 0755 \"$releases\" /var/log/nginx",
                "if [ \"$selfsigned\" = yes ] && [ ! -f \"$crt\" ]; then",
                "  install -d -m 0755 \"$(dirname \"$crt\")\"",
                "  umask 077",
                "  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj \"/CN=$domain\" -addext \"subjectAltName=DNS:$domain\" \\",
                "    -keyout \"$key.tmp\" -out \"$crt.tmp\" 2>/dev/null",
                "  chmod 0644 \"$crt.tmp\"; mv \"$key.tmp\" \"$key\"; mv \"$crt.tmp\" \"$crt\"",
                "fi"), EdgeTopology.MODSECURITY_DATA_DIR, EdgeTopology.NGINX_USER, edge.staticReleasesDir(),
                edge.selfSigned() ? "yes" : "no", EdgeTopology.selfSignedCertificate(descriptor.app()),
                EdgeTopology.selfSignedKey(descriptor.app()), target.domain()));
        withRestoreOnFailure(session, config, () -> {
            var test = session.attempt(commands.nginxTest());
            if (!test.ok()) {
                throw new HostFailure(host.name(), "nginx rejected the new configuration, the previous one was put back: "
                        + test.stderr().strip());
            }
            session.run("reloading nginx", commands.nginxReloadOrStart());
            progress.step(host.name(), state.nginxPid().isPresent() ? "nginx reloaded" : "nginx started");
            report.changed(host.name());
        }, () -> session.attempt(commands.nginxReloadOrStart()));
    }

    /**
     * Host firewall first. Refused when the rules would not
     * admit this SSH session's own address; rolled back by a timer on the host unless a brand-new
     * SSH session gets through after the change.
     */
    private void firewall(Host host) {
        List<FileChange> rules = changes(host, ManagedService.FIREWALL);
        if (rules.isEmpty()) {
            return;
        }
        HostSession session = sessions.get(host.name());
        String client = session.run("reading the SSH client address", firewallCommands.clientAddress()).out().strip();
        if (!target.adminNetworks().isEmpty() && io.tierlift.model.Ipv4.isValid(client)
                && target.adminNetworks().stream().noneMatch(n -> n.contains(io.tierlift.model.Ipv4.parse(client)))) {
            report.failed(host.name());
            throw new HostFailure(host.name(), "refusing to apply the firewall: this SSH session comes from " + client
                    + ", which admin_networks (" + target.adminNetworks() + ") would shut out");
        }
        String file = rules.get(0).path();
        withRestoreOnFailure(session, rules, () -> {
            var check = session.attempt(firewallCommands.check(file));
            if (!check.ok()) {
                throw new HostFailure(host.name(), "nft rejected the rules: " + check.stderr().strip());
            }
            session.run("applying the firewall", firewallCommands.applyWithRollback(file, FIREWALL_ROLLBACK_SECONDS));
            try {
                freshSessions.apply(host).run("confirming SSH still reaches the host", firewallCommands.confirm());
            } catch (RuntimeException lost) {
                throw new HostFailure(host.name(), "a new SSH session could not reach the host after the firewall change; "
                        + "the previous rules come back within " + FIREWALL_ROLLBACK_SECONDS + " s (" + lost.getMessage() + ")");
            }
            progress.step(host.name(), "firewall applied");
            report.changed(host.name());
        }, () -> { });
    }

    /**
     * Places the files, runs the step, and commits; if the step fails the previous files are put
     * back and {@code recover} brings the service back on them before the failure is reported.
     */
    private void withRestoreOnFailure(HostSession session, List<FileChange> config, Runnable step, Runnable recover) {
        place(session, config);
        try {
            step.run();
        } catch (RuntimeException failure) {
            if (!config.isEmpty()) {
                List<String> existed = config.stream().filter(c -> c.action() != Action.CREATE).map(FileChange::path).toList();
                List<String> created = config.stream().filter(c -> c.action() == Action.CREATE).map(FileChange::path).toList();
                session.attempt(files.restore(existed, created));
                recover.run();
                progress.step(session.name(), "previous configuration restored");
            }
            report.failed(session.name());
            throw failure;
        }
        if (!config.isEmpty()) {
            session.run("committing files", files.commit(paths(config)));
        }
    }

    private void place(HostSession session, List<FileChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        for (FileChange change : changes) {
            var file = change.wanted();
            session.run("uploading " + change.path(), files.stage(change.path(), file.owner(), file.group(), file.mode()), file.content());
        }
        session.run("swapping in new files", files.activate(paths(changes)));
        for (FileChange change : changes) {
            progress.step(session.name(), (change.action() == Action.CREATE ? "created " : "updated ") + change.path());
        }
        report.changed(session.name());
    }

    private static List<String> paths(List<FileChange> changes) {
        List<String> result = new ArrayList<>();
        changes.forEach(c -> result.add(c.path()));
        return result;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(java.time.Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the proxies", e);
        }
    }
}
