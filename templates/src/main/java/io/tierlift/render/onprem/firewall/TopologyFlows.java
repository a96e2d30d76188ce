package io.tierlift.render.onprem.firewall;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.EdgeSettings;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections an on-prem topology needs, derived from the hosts' roles. A connection between
 * two roles on the same host stays on that host (loopback) and is not listed.
 */
public final class TopologyFlows {
    /**
     * Agreed with the edge renderer: when the WAF and the proxy are separate hosts, the WAF
     * forwards plain HTTP to the proxy host's address on {@code edge.http_port}. Only the
     * client-facing host terminates TLS.
     */
    public static final String WAF_TO_PROXY_PORT = "edge.http_port";
    /** pgBackRest's TLS server port ({@code tls-server-port}'s default), on the backup and database hosts. */
    public static final int BACKUP_PORT = 8432;

    public List<Flow> flows(AppDescriptor app, OnpremTarget target) {
        EdgeSettings edge = target.edge();
        int appPort = app.backend().port();
        int dbPort = app.database().port();
        List<Host> wafs = target.hostsWith(Role.WAF);
        List<Host> proxies = target.hostsWith(Role.PROXY);
        List<Host> apps = target.hostsWith(Role.APP);
        List<Host> primaries = target.hostsWith(Role.DB_PRIMARY);
        List<Host> standbys = target.hostsWith(Role.DB_STANDBY);
        boolean wafInFront = target.waf().crs() && !wafs.isEmpty();

        List<Flow> flows = new ArrayList<>();
        for (Host front : wafInFront ? wafs : proxies) {
            flows.add(Flow.fromAnywhere(front.name(), edge.httpPort(), FlowPurpose.CLIENT_HTTP));
            flows.add(Flow.fromAnywhere(front.name(), edge.httpsPort(), FlowPurpose.CLIENT_HTTPS));
        }
        if (wafInFront) {
            between(flows, wafs, proxies, edge.httpPort(), FlowPurpose.WAF_TO_PROXY);
        }
        between(flows, proxies, target.hostsWith(Role.STATIC), edge.staticPort(), FlowPurpose.PROXY_TO_STATIC);
        between(flows, proxies, apps, appPort, FlowPurpose.PROXY_TO_APP);
        between(flows, apps, primaries, dbPort, FlowPurpose.APP_TO_PRIMARY);
        between(flows, apps, standbys, dbPort, FlowPurpose.APP_TO_STANDBY);
        between(flows, standbys, primaries, dbPort, FlowPurpose.REPLICATION);
        between(flows, primaries, standbys, dbPort, FlowPurpose.REVERSE_REPLICATION);
        if (app.database().backup().isPresent()) {
            List<Host> databases = new ArrayList<>(primaries);
            databases.addAll(standbys);
            List<Host> repositories = target.hostsWith(Role.BACKUP);
            // Both ways on pgBackRest's TLS port: WAL goes to the repository from whichever host
            // is primary, and backups are taken from the database hosts by the backup host.
            between(flows, databases, repositories, BACKUP_PORT, FlowPurpose.WAL_ARCHIVE);
            between(flows, repositories, databases, BACKUP_PORT, FlowPurpose.BACKUP);
        }
        return List.copyOf(flows);
    }

    private static void between(List<Flow> flows, List<Host> from, List<Host> to, int port, FlowPurpose purpose) {
        for (Host destination : to) {
            for (Host source : from) {
                if (!source.name().equals(destination.name())) {
                    flows.add(Flow.between(source.name(), destination.name(), port, purpose));
                }
            }
        }
    }
}
