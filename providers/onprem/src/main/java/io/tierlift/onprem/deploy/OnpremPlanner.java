package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.onprem.facts.FileFact;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.onprem.edge.EdgeTopology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Turns wanted files and host states into a plan: file changes with diffs, and the service actions
 * they imply (start, reload, rolling restart, cluster creation, standby clone).
 */
public final class OnpremPlanner {
    private final FilePlanner filePlanner = new FilePlanner();

    /**
     * @param wanted  files per host with real secret values
     * @param masked  the same files with stand-ins, rendered only when some file differs (a no-op needs none)
     * @param reader  reads a live file's text on a host, for diffs
     */
    public OnpremPlanResult plan(AppDescriptor descriptor, Map<String, HostState> states,
                                 Map<String, Map<String, RenderedFile>> wanted, Supplier<Map<String, Map<String, RenderedFile>>> masked,
                                 BiFunction<String, String, Optional<String>> reader, String descriptorDigest, Releases releases) {
        OnpremTarget target = descriptor.targets().onprem().orElseThrow();
        List<PlannedChange> all = new ArrayList<>();
        Map<String, HostPlan> hosts = new LinkedHashMap<>();
        Map<String, String> fingerprints = new TreeMap<>();
        // Built on the operator's machine, once for every static host: why it was (re)built.
        releases.site().flatMap(site -> site.rebuilt().map(why -> PlannedChange.of("onprem.frontend:build", "build", Action.UPDATE,
                "built " + descriptor.frontend().dist() + " as " + site.id() + " with `" + descriptor.frontend().build() + "`: " + why)))
                .filter(build -> !target.hostsWith(Role.STATIC).isEmpty())
                .ifPresent(all::add);
        for (Host host : target.hosts()) {
            HostState state = states.get(host.name());
            Map<String, RenderedFile> hostWanted = wanted.getOrDefault(host.name(), Map.of());
            FilePlanner.Result files = filePlanner.plan(descriptor.app(), target.appRoot(), state, hostWanted,
                    () -> masked.get().getOrDefault(host.name(), Map.of()), path -> reader.apply(host.name(), path));
            checkPython(descriptor, host, state);
            PackageInstall packages = packages(descriptor, target, host, state);
            List<PlannedChange> changes = new ArrayList<>();
            if (packages.needed()) {
                changes.add(PlannedChange.of("onprem." + host.name() + ".packages", "packages", Action.CREATE,
                        (packages.refreshLists() ? "download the package lists, then install " : "install ")
                                + String.join(", ", packages.packages())));
            }
            changes.addAll(files.planned());
            Set<ManagedService> refresh = EnumSet.noneOf(ManagedService.class);
            files.changes().forEach(c -> refresh.add(c.service()));
            refresh.remove(ManagedService.NONE);
            boolean newBackend = host.has(Role.APP) && releases.backend().isPresent()
                    && !HostState.releaseId(state.currentRelease()).equals(releases.backend().map(r -> r.id()));
            boolean newSite = host.has(Role.STATIC) && releases.site().isPresent()
                    && !HostState.releaseId(state.currentStatic()).equals(releases.site().map(r -> r.id()));
            if (newBackend) {
                changes.add(PlannedChange.of("onprem." + host.name() + ".release:backend", "release",
                        state.currentRelease().isEmpty() ? Action.CREATE : Action.UPDATE,
                        "switch to " + releases.backend().get().id() + HostState.releaseId(state.currentRelease()).map(r -> " (from " + r + ")").orElse("")
                                + releases.wheelhouse().flatMap(w -> w.added()).map(pin -> "; its virtualenv adds " + pin
                                        + ", which the app's requirements do not list").orElse("")
                                + leftOut(releases.backend().get().leftOut())));
            }
            if (newSite) {
                changes.add(PlannedChange.of("onprem." + host.name() + ".release:static", "release",
                        state.currentStatic().isEmpty() ? Action.CREATE : Action.UPDATE,
                        "switch to " + releases.site().get().id() + HostState.releaseId(state.currentStatic()).map(r -> " (from " + r + ")").orElse("")));
            }
            changes.addAll(serviceChanges(descriptor, host, state, refresh, newBackend));
            if (!state.leftovers().isEmpty()) {
                changes.add(PlannedChange.of("onprem." + host.name() + ".cleanup", "leftovers", Action.DELETE,
                        state.leftovers().size() + " file(s) left by an interrupted deploy"));
            }
            String fingerprint = fingerprint(state, hostWanted.keySet());
            fingerprints.put(host.name(), fingerprint);
            hosts.put(host.name(), new HostPlan(host.name(), state, files.changes(), changes, refresh, fingerprint, newBackend, newSite,
                    packages));
            all.addAll(changes);
        }
        Plan plan = new Plan(Plan.FORMAT_VERSION, descriptor.app(), descriptor.environment(), "onprem", descriptorDigest,
                Instant.now(), all, fingerprints);
        return new OnpremPlanResult(plan, hosts);
    }

    private static String leftOut(List<String> leftOut) {
        return leftOut.isEmpty() ? "" : "; left out: " + String.join(", ", leftOut);
    }

    /**
     * What the host lacks for its roles. A package its sources do not offer stops the plan (and so
     * the deploy) before anything changes on any host, naming the fix.
     */
    private static PackageInstall packages(AppDescriptor descriptor, OnpremTarget target, Host host, HostState state) {
        List<String> wanted = RolePackages.of(descriptor, target, host);
        List<String> unavailable = state.packages().unavailable(wanted);
        if (!unavailable.isEmpty()) {
            throw new HostFailure(host.name(), "the host's package sources offer no " + String.join(", ", unavailable) + ". "
                    + unavailableFix(descriptor, unavailable));
        }
        List<String> missing = state.packages().missing(wanted);
        return missing.isEmpty() ? PackageInstall.none() : new PackageInstall(missing, !state.packages().listsPresent());
    }

    /**
     * The virtualenv is built with the host's /usr/bin/python3, from wheels fetched for backend.python:
     * another version would fail at the venv, after other hosts changed, so the plan stops here.
     */
    private static void checkPython(AppDescriptor descriptor, Host host, HostState state) {
        if (!host.has(Role.APP)) {
            return;
        }
        String wanted = descriptor.backend().python();
        if (state.python().isEmpty()) {
            throw new HostFailure(host.name(), "has no /usr/bin/python3, which an app host needs before the first deploy "
                    + "(Debian package python3)");
        }
        if (!state.python().get().equals(wanted)) {
            throw new HostFailure(host.name(), "runs Python " + state.python().get() + " (/usr/bin/python3) but backend.python is "
                    + wanted + ": set backend.python to the hosts' version (Debian 12: 3.11, Debian 13: 3.13); where the package "
                    + "index has no wheels for it, backend.system_packages lets Debian provide those projects");
        }
    }

    private static String unavailableFix(AppDescriptor descriptor, List<String> unavailable) {
        if (unavailable.contains(RolePackages.postgresPackage(descriptor))) {
            return "database.version is " + descriptor.database().version() + ": add the PostgreSQL project's repository "
                    + "(apt.postgresql.org) to the host's package sources, or set database.version to the version the "
                    + "distribution ships (Debian 12: 15, Debian 13: 17)";
        }
        return "Add a package source that offers them to the host (its /etc/apt/sources.list.d), then plan again";
    }

    private List<PlannedChange> serviceChanges(AppDescriptor d, Host host, HostState state, Set<ManagedService> refresh,
                                               boolean newBackend) {
        List<PlannedChange> changes = new ArrayList<>();
        String prefix = "onprem." + host.name() + ".service:";
        if (EdgeTopology.of(d).isEdgeHost(host)) {
            if (state.nginxPid().isEmpty()) {
                changes.add(PlannedChange.of(prefix + "nginx", "service", Action.CREATE, "start nginx"));
            } else if (refresh.contains(ManagedService.NGINX)) {
                changes.add(PlannedChange.of(prefix + "nginx", "service", Action.UPDATE, "validate (nginx -t) and reload"));
            }
        }
        boolean database = host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY);
        if (database) {
            if (!state.postgresClusterExists()) {
                changes.add(PlannedChange.of(prefix + "postgresql", "service", Action.CREATE,
                        host.has(Role.DB_STANDBY) ? "create cluster as a standby of the primary (pg_basebackup)"
                                : "create cluster, app database and roles"));
            } else if (host.has(Role.DB_STANDBY) && !state.postgresStandby()) {
                changes.add(new PlannedChange(prefix + "postgresql", "service", Action.REPLACE,
                        "not a standby: re-clone from the primary", Optional.empty(), List.of(), true));
            } else if (state.postgresPid().isEmpty()) {
                changes.add(PlannedChange.of(prefix + "postgresql", "service", Action.CREATE, "start PostgreSQL"));
            } else if (refresh.contains(ManagedService.POSTGRES)) {
                changes.add(PlannedChange.of(prefix + "postgresql", "service", Action.UPDATE, "reload (restart only if a setting needs it)"));
            }
        }
        if (host.has(Role.APP)) {
            if (state.appPid().isEmpty()) {
                changes.add(PlannedChange.of(prefix + d.app() + "-api", "service", Action.CREATE, "start gunicorn"));
            } else if (refresh.contains(ManagedService.APP) || newBackend) {
                changes.add(PlannedChange.of(prefix + d.app() + "-api", "service", Action.UPDATE,
                        "rolling restart (one app host at a time, health-checked)"));
            }
        }
        boolean backedUp = d.database().backup().isPresent()
                && (database || host.has(Role.BACKUP));
        boolean inBucket = io.tierlift.render.onprem.backup.BackupRenderer.inBucket(d);
        if (backedUp && refresh.contains(ManagedService.BACKUP)) {
            changes.add(PlannedChange.of(prefix + "pgbackrest", "service", Action.UPDATE, inBucket
                    ? "use the new pgBackRest config and schedules (no server: this host writes to the bucket itself)"
                    : "restart the pgBackRest server (certificate from the backup CA made when missing)"));
        }
        if (backedUp && (inBucket ? host.has(Role.DB_PRIMARY) : host.has(Role.BACKUP))) {
            changes.add(PlannedChange.of(prefix + "pgbackrest-stanza", "service", Action.NO_OP,
                    "stanza " + d.app() + " created when missing, WAL archive checked (pgbackrest check)"));
        }
        if (refresh.contains(ManagedService.FIREWALL)) {
            changes.add(PlannedChange.of(prefix + "firewall", "service", Action.UPDATE, "apply nftables rules (rolled back if SSH is lost)"));
        }
        return changes;
    }

    /**
     * The plan from the descriptor alone (--offline): every file tierlift would place, as it would
     * be on a host that has none of them. Nothing is compared, so it can't say what is unchanged.
     */
    public Plan offline(AppDescriptor descriptor, List<RenderedFile> masked, String descriptorDigest) {
        List<PlannedChange> changes = new ArrayList<>();
        for (RenderedFile file : masked) {
            int slash = file.location().indexOf('/');
            String host = file.location().substring(0, slash);
            String path = file.location().substring(slash);
            changes.add(PlannedChange.of("onprem." + host + ".file:" + path, "file", Action.CREATE,
                    "offline: would place " + file.content().length + " bytes, mode " + Integer.toOctalString(file.mode())
                            + (file.sensitive() ? " (sensitive)" : "") + " (not compared with the host)"));
        }
        return new Plan(Plan.FORMAT_VERSION, descriptor.app(), descriptor.environment(), "onprem", descriptorDigest, Instant.now(),
                changes, Map.of());
    }

    /** What a saved plan was made against: the managed files' checksums, modes and owners. */
    static String fingerprint(HostState state, Iterable<String> paths) {
        StringBuilder text = new StringBuilder();
        List<String> sorted = new ArrayList<>();
        paths.forEach(sorted::add);
        sorted.sort(String::compareTo);
        for (String path : sorted) {
            FileFact fact = state.file(path);
            text.append(path).append(' ').append(fact.sha256().orElse("-")).append(' ')
                    .append(Integer.toOctalString(fact.mode())).append(' ').append(fact.owner()).append(':').append(fact.group()).append('\n');
        }
        text.append("release ").append(state.currentRelease().orElse("-")).append('\n');
        text.append("static ").append(state.currentStatic().orElse("-")).append('\n');
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Paths that the probe should look at on a host, including leftover names. */
    static List<String> probePaths(Map<String, RenderedFile> hostFiles) {
        return new ArrayList<>(hostFiles.keySet());
    }

}
