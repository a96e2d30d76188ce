package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.deploy.RolloutContext.HostStep;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.release.ReleaseCommands;
import io.tierlift.onprem.release.ReleaseSet;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.provider.Progress;
import io.tierlift.render.onprem.edge.EdgeTopology;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The app servers: the new release and config prepared on every host first, the release command
 * once, then one host at a time switched, restarted and health-checked, so nginx always has
 * others to send requests to. A host that does not come back healthy goes back to its previous
 * release and config, and the rollout stops before the next host is touched.
 */
final class AppRollout {
    private static final int HEALTH_CHECK_SECONDS = 30;

    private final RolloutContext context;
    private final StagedFiles staged;
    private final AppDescriptor descriptor;
    private final String appRoot;
    private final Progress progress;
    private final DeployReport report;
    private final ReleaseCommands releaseCommands = new ReleaseCommands();
    /** Waits between app host restarts; a field so a test could pass a clock of its own. */
    private final Consumer<Duration> pause = AppRollout::sleep;

    AppRollout(RolloutContext context, StagedFiles staged) {
        this.context = context;
        this.staged = staged;
        this.descriptor = context.descriptor();
        this.appRoot = context.target().appRoot();
        this.progress = context.progress();
        this.report = context.report();
    }

    /**
     * Before any app server restarts: the new release, its virtualenv and the app's config files
     * are put in place on the host, so the rolling part is only a switch and a restart per host.
     * Config files are swapped in but not committed until every host is healthy.
     */
    void prepare(Host host) {
        HostSession session = context.session(host);
        HostPlan plan = context.plan(host);
        if (plan.newBackendRelease()) {
            var backend = context.releases().backend().orElseThrow();
            var wheelhouse = context.releases().wheelhouse().orElseThrow();
            if (!plan.state().releases().contains(backend.id())) {
                progress.step(host.name(), "uploading release " + backend.id() + " (" + backend.archiveSize() / 1024 + " KiB)");
                session.run("unpacking release " + backend.id(), releaseCommands.unpack(appRoot, backend.id()), backend.archive());
            }
            if (!plan.state().venvs().contains(wheelhouse.id())) {
                progress.step(host.name(), "uploading wheels " + wheelhouse.id() + " (" + wheelhouse.archiveSize() / 1024 + " KiB) and building the virtualenv");
                session.run("unpacking wheels", releaseCommands.unpackWheelhouse(appRoot, wheelhouse.id()), wheelhouse.archive());
                session.run("building the virtualenv", releaseCommands.buildVenv(appRoot, wheelhouse.id(), "/usr/bin/python3"));
            }
            session.run("linking the virtualenv", releaseCommands.linkVenv(appRoot, backend.id(), wheelhouse.id()));
        }
        staged.place(session, context.changes(host, ManagedService.APP));
    }

    /** The release command (migrations) once per deploy, on one app host, with the new release's code. */
    void runReleaseCommand(List<Host> apps) {
        var command = descriptor.backend().releaseCommand();
        Optional<Host> first = apps.stream().filter(h -> context.plan(h).newBackendRelease()).findFirst();
        if (command.isEmpty() || first.isEmpty() || context.releases().backend().isEmpty()) {
            return;
        }
        Host host = first.get();
        String release = appRoot + "/releases/" + context.releases().backend().get().id();
        progress.step(host.name(), "running the release command: " + command.get());
        ExecResult result = context.session(host).attempt(context.services(host).appReleaseCommand(release, command.get()));
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
     * Switches the host to the new release and restarts it gracefully (nginx sends new requests to
     * the other app hosts meanwhile), then waits for the health check.
     */
    void restart(Host host) {
        HostStep on = context.step(host, ManagedService.APP);
        HostSession session = on.session();
        HostState state = on.state();
        ServiceCommands commands = on.commands();
        List<FileChange> config = on.config();
        boolean newRelease = context.plan(host).newBackendRelease();
        boolean restart = !config.isEmpty() || state.appPid().isEmpty() || newRelease;
        if (!restart) {
            return;
        }
        int graceful = gracefulSeconds();
        boolean touched = false;
        try {
            if (newRelease) {
                String release = context.releases().backend().get().id();
                session.run("switching to release " + release, releaseCommands.activate(appRoot, ReleaseSet.BACKEND, release));
            }
            if (state.systemd() && config.stream().anyMatch(c -> c.path().startsWith("/etc/systemd/"))) {
                session.run("reloading systemd", commands.systemdReload());
            }
            var check = session.attempt(commands.appCheckConfig());
            if (!check.ok()) {
                List<String> lines = (check.stderr() + check.out()).strip().lines().toList();
                throw new HostFailure(host.name(), "gunicorn rejected the new release or config (" + whatKeepsServing(state) + "): "
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 4), lines.size())));
            }
            touched = true;
            if (state.appPid().isPresent()) {
                progress.step(host.name(), "stopping " + descriptor.app() + "-api gracefully (nginx sends requests to the other app hosts)");
                session.run("stopping the app", commands.appStop(graceful));
            }
            session.run("starting the app", commands.appStart());
            healthCheck(host, session, commands);
            progress.step(host.name(), descriptor.app() + "-api healthy on " + host.address() + ":" + descriptor.backend().port()
                    + context.releases().backend().map(r -> " (release " + r.id() + ")").orElse(""));
            letUpstreamRecover(host);
            report.changed(host.name());
        } catch (RuntimeException failure) {
            staged.restore(session, config);
            state.currentRelease().ifPresent(previous -> session.attempt(releaseCommands.activate(appRoot,
                    ReleaseSet.BACKEND, HostState.releaseId(Optional.of(previous)).orElseThrow())));
            // Only a server that was stopped or started here is brought back; one that was never touched keeps running.
            if (touched) {
                session.attempt(commands.appStop(graceful));
                if (state.appPid().isPresent()) {
                    session.attempt(commands.appStart());
                }
            }
            progress.step(host.name(), whatWasRestored(state) + "; the rollout stops here");
            report.failed(host.name());
            throw failure;
        }
    }

    /** After a refused release: a host that was serving keeps its release; a first deploy has none to speak of. */
    static String whatKeepsServing(HostState state) {
        return state.appPid().isPresent() ? "nothing was restarted; the previous release keeps serving"
                : "nothing was started; this host had no release running before";
    }

    /** After a failed restart: what the host went back to (a first deploy has only its configuration to restore). */
    static String whatWasRestored(HostState state) {
        return state.currentRelease().isPresent() ? "previous release and configuration restored"
                : "configuration restored; this host had no earlier release";
    }

    /** Once every app host is healthy: the config is kept and old releases and virtualenvs go. */
    void finish(Host host) {
        HostSession session = context.session(host);
        staged.commit(session, context.changes(host, ManagedService.APP));
        if (context.plan(host).newBackendRelease()) {
            session.attempt(releaseCommands.prune(appRoot, ReleaseSet.BACKEND, context.target().releasesKept()));
            session.attempt(releaseCommands.pruneUnusedVenvs(appRoot));
        }
    }

    /**
     * Back to release {@code release} (kept on the host), health-checked. Config files are left as they
     * are: a rollback is about code, the descriptor is the place to undo a config change.
     */
    void rollback(Host host, String release) {
        HostSession session = context.session(host);
        HostState state = context.state(host);
        ServiceCommands commands = context.services(host);
        progress.step(host.name(), "rolling back to " + release + HostState.releaseId(state.currentRelease()).map(c -> " (from " + c + ")").orElse(""));
        session.run("switching to release " + release, releaseCommands.activate(appRoot, ReleaseSet.BACKEND, release));
        session.run("stopping the app", commands.appStop(gracefulSeconds()));
        session.run("starting the app", commands.appStart());
        healthCheck(host, session, commands);
        progress.step(host.name(), descriptor.app() + "-api healthy on release " + release);
        letUpstreamRecover(host);
        report.changed(host.name());
    }

    private void healthCheck(Host host, HostSession session, ServiceCommands commands) {
        session.run("health check " + descriptor.backend().health(), commands.appHealth(host.address(),
                descriptor.backend().port(), descriptor.backend().health(), HEALTH_CHECK_SECONDS));
    }

    private int gracefulSeconds() {
        return (int) descriptor.backend().gracefulTimeout().toSeconds();
    }

    /**
     * While an app host restarted, nginx may have marked it failed (passive health checks) for
     * fail_timeout. Restarting the next host before that expires could leave no live upstream, so
     * the rollout waits it out. Reloading the proxies would forget the failures at once, but a
     * reload closes every idle keep-alive client connection, and a client that sends a request on
     * one at that moment (wrk, many API clients) gets a socket error instead of a response.
     */
    private void letUpstreamRecover(Host restarted) {
        List<Host> rotation = context.target().hostsWith(Role.APP);
        if (rotation.indexOf(restarted) == rotation.size() - 1) {
            return;
        }
        progress.step(restarted.name(), "waiting " + EdgeTopology.UPSTREAM_FAIL_TIMEOUT.toSeconds()
                + " s for the proxies to take it back into rotation before the next app host restarts");
        pause.accept(EdgeTopology.UPSTREAM_FAIL_TIMEOUT);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the proxies", e);
        }
    }
}
