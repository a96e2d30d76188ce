package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.tier.Operation;
import io.tierlift.tier.PlanRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "plan", description = {"Show what deploy would change, changing nothing.",
        "onprem: connects to every host, reads its files and services, and shows a diff per changed file (secrets masked)."})
public final class PlanCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    TargetArguments on;
    @Mixin
    AccountOptions account;
    @Option(names = "--offline", description = "Plan from the descriptor alone, without contacting hosts or AWS.")
    boolean offline;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text, json or markdown.")
    String output;
    @Option(names = "--out", paramLabel = "PLANFILE", description = "Save the plan for deploy --plan.")
    Path planFile;
    @Option(names = "--detailed-exitcode", description = "Exit 2 when there are changes, 0 when none (as Terraform).")
    boolean detailedExitCode;
    @Option(names = "--accept-new-host-keys", description = "Trust and record host keys never seen before (a changed key is always refused).")
    boolean acceptNewHostKeys;
    @Option(names = "--refresh-image", description = "Plan the deploy that moves the instances to the newest machine image.")
    boolean refreshImage;
    @Option(names = "--no-build", description = "Publish the frontend's output folder (frontend.dist) as it is: its sources are not checked and nothing is built. "
            + "Without it, every tier rebuilds the frontend when its sources, lockfile or build command changed, or when tierlift never recorded building it.")
    boolean noBuild;

    PlanCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        if (offline && refreshImage) {
            throw new UserException("--refresh-image compares the image the instances run with the newest one, which an "
                    + "--offline plan cannot read; drop one of them", ExitCode.USAGE);
        }
        Operation[] asked = new Operations(offline ? Operation.PLAN_OFFLINE : Operation.PLAN)
                .when(acceptNewHostKeys, Operation.ACCEPT_NEW_HOST_KEYS).when(refreshImage, Operation.REFRESH_IMAGE)
                .and(account.operations()).toArray();
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        AppFilesCheck.require(app, loaded);
        PlanRequest request = new PlanRequest(on.digest(), offline, acceptNewHostKeys, refreshImage, noBuild);
        Plan plan = on.onTier(app, account.scope(loaded.descriptor()), asked, tier -> tier.plan(request));
        return PlanOutput.emit(app, plan, output, planFile, detailedExitCode);
    }
}
