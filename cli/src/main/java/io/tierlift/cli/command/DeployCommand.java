package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlanJson;
import io.tierlift.tier.DeployOutcome;
import io.tierlift.tier.DeployRequest;
import io.tierlift.tier.Operation;
import io.tierlift.tier.RollbackRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "deploy", description = "Make the target match the descriptor.")
public final class DeployCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    TargetArguments on;
    @Mixin
    AccountOptions account;
    @Option(names = "--plan", paramLabel = "PLANFILE", description = "Apply exactly this saved plan (refused if the target changed since).")
    Path planFile;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;
    @Option(names = "--rollback", description = "Go back to the previous release (see tierlift releases). Database migrations "
            + "are not reversed: a release older than the schema's last migration is refused unless --force.")
    boolean rollback;
    @Option(names = "--to", paramLabel = "RELEASE", description = "With --rollback: go back to this release (an id tierlift releases lists).")
    String rollbackTo;
    @Option(names = "--force", description = "With --rollback: go back even to a release older than the database's schema "
            + "(its code then runs against migrations it does not know).")
    boolean force;
    @Option(names = "--accept-new-host-keys", description = "Trust and record host keys never seen before (a changed key is always refused).")
    boolean acceptNewHostKeys;
    @Option(names = "--break-lock", description = "Break the deploy lease another run holds (only when that run is dead).")
    boolean breakLock;
    @Option(names = "--refresh-image", description = "Move the instances to the newest machine image, replacing each of them "
            + "(otherwise the image they run is kept).")
    boolean refreshImage;
    @Option(names = "--allow-database-replacement", description = "Let this deploy replace or delete the database when a "
            + "change requires it, losing its data (otherwise such a deploy is refused before anything changes).")
    boolean allowDatabaseReplacement;
    @Option(names = "--no-build", description = "Publish the frontend's output folder (frontend.dist) as it is: its sources are not checked and nothing is built. "
            + "Without it, every tier rebuilds the frontend when its sources, lockfile or build command changed, or when tierlift never recorded building it.")
    boolean noBuild;

    DeployCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Operation[] asked = new Operations(Operation.DEPLOY).when(planFile != null, Operation.DEPLOY_SAVED_PLAN)
                .when(rollback, Operation.DEPLOY_ROLLBACK).when(breakLock, Operation.DEPLOY_BREAK_LOCK)
                .when(acceptNewHostKeys, Operation.ACCEPT_NEW_HOST_KEYS).when(refreshImage, Operation.REFRESH_IMAGE)
                .when(allowDatabaseReplacement, Operation.DEPLOY_ALLOW_DATABASE_REPLACEMENT).and(account.operations()).toArray();
        on.refuseUnsupported(app, asked);
        if (!rollback && (rollbackTo != null || force)) {
            throw new UserException((rollbackTo != null ? "--to" : "--force") + " only goes with --rollback; nothing was changed", ExitCode.USAGE);
        }
        if (rollback && planFile != null) {
            throw new UserException("--rollback and --plan do not go together: a rollback applies no plan; nothing was changed", ExitCode.USAGE);
        }
        LoadedDescriptor loaded = on.load(app);
        if (!rollback) {
            // A rollback ships an earlier release, not the files on this machine.
            AppFilesCheck.require(app, loaded);
        }
        String digest = on.digest();
        Optional<Plan> saved = Optional.ofNullable(planFile).map(this::readPlan);
        Optional<RollbackRequest> rollbackRequest = rollback
                ? Optional.of(new RollbackRequest(Optional.ofNullable(rollbackTo), force)) : Optional.empty();
        DeployRequest request = new DeployRequest(digest, saved, rollbackRequest, breakLock, acceptNewHostKeys, refreshImage,
                allowDatabaseReplacement,
                yes ? Optional.empty() : Optional.of(this::confirm), noBuild);
        DeployOutcome outcome = on.onTier(app, account.scope(loaded.descriptor()), asked, tier -> tier.deploy(request));
        recap(outcome);
        return outcome.failed() ? ExitCode.FAILED : ExitCode.OK;
    }

    /** Shows the plan and asks, as terraform apply does; without a terminal, --yes is required. */
    private boolean confirm(Plan plan) {
        new io.tierlift.plan.PlanTextWriter(app.console().color()).write(plan, app.console().err());
        java.io.Console terminal = System.console();
        if (terminal == null) {
            throw new UserException("the deploy has changes and there is no terminal to confirm them; run with --yes, or save a plan "
                    + "with plan --out and deploy --plan");
        }
        String answer = terminal.readLine("Apply these changes? Only 'yes' is accepted: ");
        return "yes".equals(answer == null ? "" : answer.strip());
    }

    private Plan readPlan(Path file) {
        try {
            return new PlanJson().read(Files.readString(file));
        } catch (IOException e) {
            throw new UserException("cannot read plan file " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserException(file + ": " + e.getMessage());
        }
    }

    private void recap(DeployOutcome outcome) {
        var out = app.console();
        out.info("");
        out.info("RECAP");
        for (DeployOutcome.RecapRow row : outcome.recap()) {
            out.info(String.format("  %-10s %s", row.subject(), row.state()));
        }
        out.info(outcome.summary());
    }
}
