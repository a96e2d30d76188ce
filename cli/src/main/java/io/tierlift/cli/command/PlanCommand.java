package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorDigest;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.TargetConverter;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.provider.Target;
import io.tierlift.tier.Operation;
import io.tierlift.tier.PlanRequest;
import io.tierlift.tier.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "plan", description = {"Show what deploy would change, changing nothing.",
        "onprem: connects to every host, reads its files and services, and shows a diff per changed file (secrets masked)."})
public final class PlanCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
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

    PlanCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Operation[] asked = new Operations(offline ? Operation.PLAN_OFFLINE : Operation.PLAN)
                .when(acceptNewHostKeys, Operation.ACCEPT_NEW_HOST_KEYS).and(account.operations()).toArray();
        app.tiers().require(target, asked);
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        Warnings.print(app.console(), loaded);
        String digest = DescriptorDigest.of(descriptor.file(), descriptor.environment());
        Plan plan;
        try (Tier tier = app.tiers().open(target, account.scope(loaded.descriptor()), asked)) {
            plan = tier.plan(new PlanRequest(digest, offline, acceptNewHostKeys));
        }
        return PlanOutput.emit(app, plan, output, planFile, detailedExitCode);
    }
}
