package io.tierlift.tier;

/**
 * Everything a tier can be asked to do, down to the options that only some tiers honour. Each tier
 * declares the operations it supports ({@link TierFactory#operations()}); the CLI asks the
 * {@link TierRegistry} before calling, so an operation a tier lacks is refused with the names of the
 * tiers that have it — never accepted and silently ignored. The README's contract table and the
 * guides' command lists are generated from these declarations.
 */
public enum Operation {
    RENDER("render"),
    DIAGRAM("diagram"),
    PLAN("plan"),
    PLAN_OFFLINE("plan --offline"),
    DEPLOY("deploy"),
    DEPLOY_SAVED_PLAN("deploy --plan"),
    DEPLOY_ROLLBACK("deploy --rollback"),
    DEPLOY_BREAK_LOCK("deploy --break-lock"),
    DEPLOY_ALLOW_DATABASE_REPLACEMENT("deploy --allow-database-replacement"),
    REFRESH_IMAGE("--refresh-image"),
    ACCEPT_NEW_HOST_KEYS("--accept-new-host-keys"),
    ACCOUNT_OPTIONS("--profile/--region"),
    STATUS("status"),
    STATUS_JSON("status --output json"),
    DESTROY("destroy"),
    DESTROY_DATA("destroy --force-data-deletion"),
    FAILOVER("failover"),
    BACKUP_NOW("backup now"),
    BACKUP_LIST("backup list"),
    RESTORE("restore"),
    RESTORE_IN_PLACE("restore --target in-place"),
    RESTORE_FINALIZE("restore --finalize"),
    WAF_REPORT("waf report"),
    RELEASES("releases"),
    MAINTENANCE("maintenance"),
    LOGS("logs"),
    LOGS_FOLLOW("logs --follow"),
    EXEC("exec"),
    EXEC_INTERACTIVE("exec (interactive)"),
    DB_SHELL("db shell"),
    MIGRATE("migrate");

    private final String usage;

    Operation(String usage) {
        this.usage = usage;
    }

    /** How the operation is written on the command line, e.g. {@code deploy --rollback}. */
    public String usage() {
        return usage;
    }
}
