package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.provider.Target;
import io.tierlift.tier.FailoverOutcome;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "failover", description = {"Promote the on-prem standby and point the app servers at it.",
        "The old primary is stopped first when it still answers, so it cannot take writes."})
public final class FailoverCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class,
            description = "Only onprem has a failover to run by hand: AWS fails over RDS and Aurora by itself.")
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    FailoverCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        app.tiers().require(target, Operation.FAILOVER);
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        if (!yes && System.console() == null) {
            throw new UserException("failover promotes the standby and stops the primary; run with --yes to confirm");
        }
        FailoverOutcome result;
        try (Tier tier = app.tiers().open(target, TierScope.of(loaded.descriptor()), Operation.FAILOVER)) {
            if (!tier.renderer().isDescribed(loaded.descriptor())) {
                throw new UserException("the descriptor has no targets." + target + " section", ExitCode.INVALID_DESCRIPTOR);
            }
            result = tier.failover();
        }
        app.console().out().println(result.newPrimary() + " is the primary now; " + result.oldPrimary()
                + (result.oldPrimaryFenced() ? " was stopped." : " could not be reached and was not stopped."));
        app.console().out().println("Next: " + result.nextStep() + ".");
        app.console().out().flush();
        return ExitCode.OK;
    }
}
