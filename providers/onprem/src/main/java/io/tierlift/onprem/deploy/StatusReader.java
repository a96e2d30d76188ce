package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.ServiceCommands;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.render.onprem.edge.EdgeTopology;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads what `status onprem` shows, from the probed states plus a few live queries. */
final class StatusReader {
    private final AppDescriptor descriptor;
    private final OnpremTarget target;
    private final Map<String, HostSession> sessions;
    private final Map<String, HostState> states;
    private final Map<String, RuntimeException> unreachable;

    StatusReader(AppDescriptor descriptor, OnpremTarget target, Map<String, HostSession> sessions, Map<String, HostState> states,
                 Map<String, RuntimeException> unreachable) {
        this.descriptor = descriptor;
        this.target = target;
        this.sessions = sessions;
        this.states = states;
        this.unreachable = unreachable;
    }

    List<HostStatus> read() {
        List<HostStatus> result = new ArrayList<>();
        EdgeTopology edge = EdgeTopology.of(descriptor);
        for (Host host : target.hosts()) {
            if (unreachable.containsKey(host.name())) {
                // One host down is a row of the status, not the end of it: the others still say whether the app serves.
                result.add(new HostStatus(host.name(), host.roles().stream().map(Role::key).toList(),
                        List.of("unreachable: " + unreachable.get(host.name()).getMessage()), false));
                continue;
            }
            HostState state = states.get(host.name());
            HostSession session = sessions.get(host.name());
            ServiceCommands commands = ServiceCommands.forApp(descriptor, target.appRoot(), state.systemd());
            List<String> facts = new ArrayList<>();
            boolean healthy = true;
            if (edge.isEdgeHost(host)) {
                facts.add("nginx " + state.nginxPid().map(p -> "up (pid " + p + ")").orElse("DOWN"));
                healthy &= state.nginxPid().isPresent();
                if (host.has(Role.STATIC)) {
                    facts.add("static " + HostState.releaseId(state.currentStatic()).orElse("none"));
                }
            }
            if (host.has(Role.APP)) {
                boolean ok = state.appPid().isPresent() && session.attempt(commands.appHealth(host.address(),
                        descriptor.backend().port(), descriptor.backend().health(), 2)).ok();
                facts.add(descriptor.app() + "-api " + (ok ? "healthy" : "UNHEALTHY") + " release "
                        + HostState.releaseId(state.currentRelease()).orElse("none"));
                healthy &= ok;
            }
            if (host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) {
                if (state.postgresPid().isEmpty()) {
                    facts.add("postgresql DOWN");
                    healthy = false;
                } else {
                    String role = session.attempt(commands.psql("postgres"), sql("SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END;"))
                            .out().strip();
                    facts.add("postgresql " + role);
                    if (role.equals("primary")) {
                        String replication = session.attempt(commands.psql("postgres"), sql(
                                "SELECT application_name || ' ' || state || ' lag ' || coalesce(replay_lag::text, '0') FROM pg_stat_replication;")).out().strip();
                        facts.add(replication.isEmpty() ? "no standby streaming" : "replication: " + replication.replace('\n', ';'));
                        healthy &= !replication.isEmpty() || target.hostsWith(Role.DB_STANDBY).isEmpty();
                    }
                    healthy &= role.equals(host.has(Role.DB_PRIMARY) ? "primary" : "standby");
                }
            }
            result.add(new HostStatus(host.name(), host.roles().stream().map(Role::key).toList(), facts, healthy));
        }
        return result;
    }

    private static byte[] sql(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
