package io.tierlift.onprem.logs;

import io.tierlift.logs.LogRole;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.render.onprem.app.AppLayout;
import io.tierlift.render.onprem.database.PostgresLayout;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.tier.TierFailure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which logs {@code logs} reads on which host. Files are read on every host; the systemd journal
 * (the unit's own lines, and Gunicorn's, which a unit sends there) only where the host runs systemd,
 * which the remote command finds out itself: hosts without it (the namespace sandbox) have the files.
 */
public final class LogTails {
    /** One log on one host: a file, or for {@link LogSource#JOURNAL} a systemd unit. */
    public record Tail(LogSource source, String path, LogRole role) {
    }

    public record HostTails(Host host, List<Tail> tails) {
    }

    private LogTails() {
    }

    /** The hosts and logs of {@code role} (every role when empty), on {@code hostName} only when given. */
    public static List<HostTails> select(AppDescriptor descriptor, Optional<LogRole> role, Optional<String> hostName) {
        EdgeTopology topology = EdgeTopology.of(descriptor);
        List<HostTails> selected = new ArrayList<>();
        for (Host host : topology.target().hosts()) {
            Map<String, Tail> tails = new LinkedHashMap<>();
            for (LogRole r : role.map(List::of).orElse(List.of(LogRole.values()))) {
                for (Tail tail : tails(descriptor, topology, host, r)) {
                    tails.putIfAbsent(tail.source() + " " + tail.path(), tail);
                }
            }
            if (!tails.isEmpty() && hostName.map(host.name()::equals).orElse(true)) {
                selected.add(new HostTails(host, List.copyOf(tails.values())));
            }
        }
        if (selected.isEmpty()) {
            String what = role.map(r -> " with role " + r.label()).orElse("");
            List<String> candidates = topology.target().hosts().stream()
                    .filter(h -> role.map(r -> !tails(descriptor, topology, h, r).isEmpty()).orElse(true))
                    .map(Host::name).toList();
            throw new TierFailure(hostName.map(h -> "no host " + h + what + " in targets.onprem.hosts; hosts" + what + ": "
                    + (candidates.isEmpty() ? "none" : String.join(", ", candidates)))
                    .orElse("no host" + what + " in targets.onprem.hosts"));
        }
        return selected;
    }

    private static List<Tail> tails(AppDescriptor descriptor, EdgeTopology topology, Host host, LogRole role) {
        String app = descriptor.app();
        return switch (role) {
            case WAF -> topology.runsModSecurity(host) ? withNginx(role,
                    new Tail(LogSource.MODSECURITY_AUDIT, EdgeTopology.MODSECURITY_AUDIT_LOG, role)) : List.of();
            case PROXY -> topology.isEdgeHost(host) ? withNginx(role) : List.of();
            case APP -> {
                if (!host.has(Role.APP)) {
                    yield List.of();
                }
                AppLayout layout = new AppLayout(app, descriptor.targets().onprem().orElseThrow().appRoot());
                yield List.of(
                        new Tail(LogSource.GUNICORN_ACCESS, layout.logDir() + "/access.log", role),
                        new Tail(LogSource.GUNICORN_ERROR, layout.logDir() + "/error.log", role),
                        new Tail(LogSource.JOURNAL, layout.unitName(), role));
            }
            case DB -> {
                if (!host.has(Role.DB_PRIMARY) && !host.has(Role.DB_STANDBY)) {
                    yield List.of();
                }
                PostgresLayout layout = PostgresLayout.debian(descriptor.database().version());
                yield List.of(
                        new Tail(LogSource.POSTGRESQL, "/var/log/postgresql/postgresql-" + layout.version() + "-"
                                + layout.cluster() + ".log", role),
                        new Tail(LogSource.JOURNAL, "postgresql@" + layout.version() + "-" + layout.cluster() + ".service", role));
            }
        };
    }

    /** {@code first}, then every nginx log of the host, as {@code role}'s. */
    private static List<Tail> withNginx(LogRole role, Tail... first) {
        List<Tail> tails = new ArrayList<>(List.of(first));
        NGINX_ACCESS_LOGS.forEach(path -> tails.add(new Tail(LogSource.NGINX_ACCESS, path, role)));
        NGINX_ERROR_LOGS.forEach(path -> tails.add(new Tail(LogSource.NGINX_ERROR, path, role)));
        tails.add(new Tail(LogSource.JOURNAL, NGINX_UNIT, role));
        return List.copyOf(tails);
    }

    /**
     * The logs tierlift's nginx configuration names: one per server (public site, its HTTP redirect, the
     * internal proxy, the static file server; a host has those of its roles) and the http block's
     * default; a file a host does not have is skipped.
     */
    static final List<String> NGINX_ACCESS_LOGS = List.of("/var/log/nginx/public.access.log", "/var/log/nginx/redirect.access.log",
            "/var/log/nginx/proxy.access.log", "/var/log/nginx/static.access.log", "/var/log/nginx/access.log");
    static final List<String> NGINX_ERROR_LOGS = List.of("/var/log/nginx/public.error.log", "/var/log/nginx/proxy.error.log",
            "/var/log/nginx/static.error.log", "/var/log/nginx/error.log");
    static final String NGINX_UNIT = "nginx.service";
}
