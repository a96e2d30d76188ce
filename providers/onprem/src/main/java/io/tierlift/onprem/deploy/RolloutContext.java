package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.provider.Progress;

import java.util.List;
import java.util.Map;

/**
 * What every rollout step reads: the app, each host's open session and plan, what this deploy
 * ships, and where progress and per-host results go.
 */
record RolloutContext(AppDescriptor descriptor, Map<String, HostSession> sessions, Map<String, HostPlan> plans,
                      Releases releases, Progress progress, DeployReport report) {

    /** One host as a step sees it: its open session, the state it was read in, its service commands, one service's changed files. */
    record HostStep(Host host, HostSession session, HostState state, ServiceCommands commands, List<FileChange> config) {
    }

    HostStep step(Host host, ManagedService service) {
        return new HostStep(host, session(host), state(host), services(host), changes(host, service));
    }

    OnpremTarget target() {
        return descriptor.targets().onprem()
                .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.onprem section"));
    }

    HostSession session(Host host) {
        return sessions.get(host.name());
    }

    HostPlan plan(Host host) {
        return plans.get(host.name());
    }

    HostState state(Host host) {
        return plan(host).state();
    }

    /** The service commands for the host as it was read (with or without systemd). */
    ServiceCommands services(Host host) {
        return ServiceCommands.forApp(descriptor, target().appRoot(), state(host).systemd());
    }

    /** The planned file changes on the host that belong to one service. */
    List<FileChange> changes(Host host, ManagedService service) {
        return plan(host).files().stream().filter(c -> c.service() == service).toList();
    }
}
