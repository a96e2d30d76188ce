package io.tierlift.onprem.waf;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.deploy.HostSession;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.waf.AuditLogEntry;
import io.tierlift.waf.AuditLogParser;
import io.tierlift.waf.WafReport;
import io.tierlift.waf.WafReportBuilder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The WAF hosts of the on-prem tier, read over SSH: {@code waf report} from their ModSecurity audit
 * logs, and the mode {@code status} shows from their engine settings. Reads only; changes nothing.
 */
public final class OnpremWaf {
    /** The API location every proxy forwards to the app hosts: requests there are the app's own. */
    static final String APP_PATH_PREFIX = "/api/";
    /** The newest bytes of each log file read: a report covers recent traffic, not a log of months. */
    static final long MOST_BYTES_PER_FILE = 64L * 1024 * 1024;

    private final Connector connector;

    public OnpremWaf(Connector connector) {
        this.connector = connector;
    }

    /** Blocked requests since {@code now - since} on every host that runs ModSecurity. */
    public WafReport report(AppDescriptor descriptor, Duration since, Instant now) {
        OnpremTarget target = descriptor.targets().onprem().orElseThrow();
        List<Host> hosts = wafHosts(descriptor);
        List<AuditLogEntry> entries = new ArrayList<>();
        AuditLogParser parser = new AuditLogParser();
        try (connector) {
            for (Host host : hosts) {
                HostSession session = new HostSession(host, connector.connect(host));
                String log = session.run("reading the ModSecurity audit log", readAuditLog(EdgeTopology.MODSECURITY_AUDIT_LOG)).out();
                entries.addAll(parser.parse(host.name(), log));
            }
        }
        return new WafReportBuilder(target.waf().anomalyThreshold(), APP_PATH_PREFIX)
                .build(entries, now.minus(since), hosts.stream().map(Host::name).toList());
    }

    /** Each WAF host's SecRuleEngine setting as placed ("On", "DetectionOnly"), or why it could not be read. */
    public List<EngineState> engines(AppDescriptor descriptor) {
        List<EngineState> states = new ArrayList<>();
        try (connector) {
            for (Host host : wafHosts(descriptor)) {
                ExecResult result = new HostSession(host, connector.connect(host)).attempt(readEngine());
                String line = result.out().strip();
                states.add(new EngineState(host, result.ok() && line.startsWith("SecRuleEngine ")
                        ? line.substring("SecRuleEngine ".length()).strip() : "unknown (no SecRuleEngine in "
                        + EdgeTopology.MODSECURITY_ENGINE + ")"));
            }
        }
        return states;
    }

    public record EngineState(Host host, String engine) {
    }

    /** The hosts that run ModSecurity: none when the WAF is off. */
    public static List<Host> wafHosts(AppDescriptor descriptor) {
        EdgeTopology topology = EdgeTopology.of(descriptor);
        return topology.target().hosts().stream().filter(topology::runsModSecurity).toList();
    }

    /** The rotated log first, then the current one, each cut to its newest bytes; a missing file is no error. */
    static RemoteCommand readAuditLog(String path) {
        return RemoteCommand.script(String.join("\n",
                "for f in \"$1.1\" \"$1\"; do",
                "  if [ -f \"$f\" ]; then tail -c \"$2\" \"$f\"; echo; fi",
                "done"), path, Long.toString(MOST_BYTES_PER_FILE));
    }

    static RemoteCommand readEngine() {
        return RemoteCommand.script("grep -E '^SecRuleEngine ' \"$1\" | tail -n 1", EdgeTopology.MODSECURITY_ENGINE);
    }
}
