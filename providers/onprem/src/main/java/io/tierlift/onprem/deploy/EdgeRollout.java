package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.model.Ipv4;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.command.FirewallCommands;
import io.tierlift.onprem.deploy.RolloutContext.HostStep;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.release.ReleaseCommands;
import io.tierlift.onprem.release.ReleaseSet;
import io.tierlift.provider.Progress;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.render.onprem.firewall.FirewallRenderer;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What faces the network: the host firewall (first of all, on every host), the static site's
 * release, and nginx on the hosts {@link EdgeTopology#isEdgeHost} names. Firewall rules and nginx
 * config go through {@link StagedFiles}: rules nft rejects and config nginx rejects are taken back.
 */
final class EdgeRollout {
    private static final int FIREWALL_ROLLBACK_SECONDS = 30;

    private final RolloutContext context;
    private final StagedFiles staged;
    private final Function<Host, HostSession> freshSessions;
    private final OnpremTarget target;
    private final EdgeTopology edge;
    private final Progress progress;
    private final DeployReport report;
    private final FirewallCommands firewallCommands = new FirewallCommands();
    private final ReleaseCommands releaseCommands = new ReleaseCommands();

    /** {@code freshSessions}: opens a new SSH session, which proves a firewall change left SSH open. */
    EdgeRollout(RolloutContext context, StagedFiles staged, Function<Host, HostSession> freshSessions) {
        this.context = context;
        this.staged = staged;
        this.freshSessions = freshSessions;
        this.target = context.target();
        this.edge = EdgeTopology.of(context.descriptor());
        this.progress = context.progress();
        this.report = context.report();
    }

    /** The hosts that run nginx. */
    List<Host> edgeHosts() {
        return target.hosts().stream().filter(edge::isEdgeHost).toList();
    }

    /**
     * Refused when the rules would not admit this SSH session's own address; rolled back by a
     * timer on the host unless a brand-new SSH session gets through after the change.
     */
    void firewall(Host host) {
        List<FileChange> rules = context.changes(host, ManagedService.FIREWALL);
        if (rules.isEmpty()) {
            return;
        }
        HostSession session = context.session(host);
        String client = session.run("reading the SSH client address", firewallCommands.clientAddress()).out().strip();
        if (!target.adminNetworks().isEmpty() && Ipv4.isValid(client)
                && target.adminNetworks().stream().noneMatch(n -> n.contains(Ipv4.parse(client)))) {
            report.failed(host.name());
            throw new HostFailure(host.name(), "refusing to apply the firewall: this SSH session comes from " + client
                    + ", which admin_networks (" + target.adminNetworks() + ") would shut out");
        }
        String file = FirewallRenderer.PATH;
        staged.apply(session, rules, () -> {
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
            if (context.state(host).systemd()) {
                session.run("enabling the firewall at boot", firewallCommands.enableAtBoot(FirewallRenderer.UNIT));
            }
            progress.step(host.name(), "firewall applied");
            report.changed(host.name());
        }, () -> { });
    }

    /** The React build: uploaded as a release, then one atomic symlink switch. */
    void staticSite(Host host) {
        HostPlan plan = context.plan(host);
        if (!plan.newStaticRelease()) {
            return;
        }
        HostSession session = context.session(host);
        var site = context.releases().site().orElseThrow();
        if (!plan.state().staticReleases().contains(site.id())) {
            progress.step(host.name(), "uploading static release " + site.id() + " (" + site.archiveSize() / 1024 + " KiB)");
            session.run("unpacking the static release", releaseCommands.unpackStatic(target.appRoot(), site.id()), site.archive());
        }
        session.run("switching the static site", releaseCommands.activate(target.appRoot(), ReleaseSet.STATIC, site.id()));
        session.attempt(releaseCommands.prune(target.appRoot(), ReleaseSet.STATIC, target.releasesKept()));
        progress.step(host.name(), "static site switched to " + site.id());
        report.changed(host.name());
    }

    /** Back to the previous static release, when the host has one. */
    void rollbackStaticSite(Host host) {
        Optional<String> previous = HostState.releaseId(context.state(host).previousStatic());
        if (previous.isPresent()) {
            context.session(host).run("switching the static site back",
                    releaseCommands.activate(target.appRoot(), ReleaseSet.STATIC, previous.get()));
            progress.step(host.name(), "static site back on " + previous.get());
            report.changed(host.name());
        }
    }

    /** nginx validates the new config before it reloads; a config it rejects is taken back and the old one keeps serving. */
    void nginx(Host host) {
        HostStep on = context.step(host, ManagedService.NGINX);
        if (on.config().isEmpty() && on.state().nginxPid().isPresent()) {
            return;
        }
        HostSession session = on.session();
        session.run("preparing nginx folders and certificate", on.commands().nginxFoldersAndCertificate(edge, target.domain()));
        staged.apply(session, on.config(), () -> {
            var test = session.attempt(on.commands().nginxTest());
            if (!test.ok()) {
                throw new HostFailure(host.name(), "nginx rejected the new configuration, the previous one was put back: "
                        + test.stderr().strip());
            }
            session.run("reloading nginx", on.commands().nginxReloadOrStart());
            progress.step(host.name(), on.state().nginxPid().isPresent() ? "nginx reloaded" : "nginx started");
            report.changed(host.name());
        }, () -> session.attempt(on.commands().nginxReloadOrStart()));
    }
}
