package io.tierlift.tier;

import io.tierlift.audit.AuditRule;
import io.tierlift.plan.Plan;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;

import java.util.List;

/**
 * One hosting tier behind one interface: every verb of the CLI for that target goes through here.
 * A tier is opened for one descriptor ({@link TierScope}); a verb the tier does not declare in its
 * factory's {@link TierFactory#operations()} is refused by the {@link TierRegistry} before the tier
 * is opened, so the defaults below are only reached by a caller that skipped the registry.
 * Adding a verb: an {@link Operation} constant, a method here (default: refused), one command.
 * Close the tier to release its clients and tunnels.
 */
public interface Tier extends AutoCloseable {
    Target target();

    /** The files this tier would place, for render, audit and the descriptor's target check. */
    RenderProvider renderer();

    /** The security rules {@code audit} checks this tier's rendered files against (docs/audit.md). */
    List<AuditRule> auditRules();

    /** The topology as Mermaid flowchart text. */
    String diagram();

    default Plan plan(PlanRequest request) {
        throw refused(request.offline() ? Operation.PLAN_OFFLINE : Operation.PLAN);
    }

    default DeployOutcome deploy(DeployRequest request) {
        throw refused(Operation.DEPLOY);
    }

    default StatusReport status(StatusRequest request) {
        throw refused(Operation.STATUS);
    }

    default DestroyOutcome destroy(DestroyRequest request) {
        throw refused(Operation.DESTROY);
    }

    /**
     * What {@link #destroy} would remove and keep, computed from the descriptor alone (nothing is
     * contacted). Empty for tiers whose destroy removes whole stacks, which the confirmation names.
     */
    default java.util.Optional<DestroyPreview> previewDestroy(DestroyRequest request) {
        return java.util.Optional.empty();
    }

    default FailoverOutcome failover() {
        throw refused(Operation.FAILOVER);
    }

    /** Takes a backup of the database now and returns it as the repository lists it. */
    default BackupEntry backupNow(BackupType type) {
        throw refused(Operation.BACKUP_NOW);
    }

    /** The database's backups, oldest first. */
    default List<BackupEntry> backups() {
        throw refused(Operation.BACKUP_LIST);
    }

    /**
     * What {@link #restore} would do for this request, in order, without changing anything: the
     * preview {@code restore} prints before it asks for confirmation.
     */
    default RestorePreview planRestore(RestoreRequest request) {
        throw refused(Operation.RESTORE);
    }

    /**
     * Brings the database back to the request's point. Each step is written to the request's
     * journal as it completes; asked again with the same point while that journal is open, the
     * restore continues after its last completed step, and a different point is refused.
     */
    default RestoreOutcome restore(RestoreRequest request) {
        throw refused(Operation.RESTORE);
    }

    /** Removes what the completed restore in the journal kept for going back (the old cluster or instance) and closes it. */
    default RestoreOutcome finalizeRestore(java.nio.file.Path journal) {
        throw refused(Operation.RESTORE_FINALIZE);
    }

    /**
     * What the tier's WAF blocked, grouped by rule, path and parameter, with the exclusions that would
     * let the likely false positives through. Reads only.
     */
    default io.tierlift.waf.WafReport wafReport(WafReportRequest request) {
        throw refused(Operation.WAF_REPORT);
    }

    /**
     * What {@code deploy --rollback} can return to, newest first: each release's id, when it was
     * deployed, whether it is live, and the schema migrations it carries. Reads only.
     */
    default List<ReleaseEntry> releases() {
        throw refused(Operation.RELEASES);
    }

    /**
     * Turns maintenance on or off with the same switch {@code migrate} uses: while on, every request
     * gets the 503 maintenance page. Asked for the state it already is in, changes nothing and says so.
     */
    default MaintenanceOutcome maintenance(MaintenanceRequest request) {
        throw refused(Operation.MAINTENANCE);
    }

    /**
     * The tier's log lines as {@code request} selects them, oldest first, each given to {@code sink}. With
     * {@code follow} it keeps giving new lines until {@link LogFollow#stop()} and returns once nothing
     * it started is left running. Reads only.
     */
    default void logs(LogsRequest request, LogSink sink) {
        throw refused(request.follow() ? Operation.LOGS_FOLLOW : Operation.LOGS);
    }

    /**
     * Runs the request's command in the app's own environment (its secrets and database URL, as the
     * service gets them), recorded where it ran; returns the command's exit code.
     */
    default ExecOutcome exec(ExecRequest request) {
        throw refused(Operation.EXEC);
    }

    /** Opens psql on this machine against the primary database; returns psql's exit code. */
    default int dbShell(DbShellRequest request) {
        throw refused(Operation.DB_SHELL);
    }

    /** This tier as a migration's source or target; close it to close its tunnels and clients. */
    default MigrationTier migration(MigrationRequest request) {
        throw refused(Operation.MIGRATE);
    }

    private UnsupportedOperationForTier refused(Operation operation) {
        return new UnsupportedOperationForTier(target(), operation, java.util.Set.of());
    }

    @Override
    void close();
}
