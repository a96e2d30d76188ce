package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.DestroyOutcome;
import io.tierlift.tier.DestroyRequest;
import io.tierlift.tier.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "destroy", description = "Remove what tierlift deployed to the target (keeping a final database snapshot on AWS).")
public final class DestroyCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    TargetArguments on;
    @Mixin
    AccountOptions account;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;
    @Option(names = "--force-data-deletion", description = {"aws-iaas: also delete the data stack, turning its termination "
            + "protection off first (RDS keeps a final snapshot). Without it, destroy stops at the data stack.",
            "If the protection can't be turned off, a warning is printed and the delete is tried anyway."})
    boolean forceDataDeletion;

    DestroyCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Operation[] asked = new Operations(Operation.DESTROY).when(forceDataDeletion, Operation.DESTROY_DATA)
                .and(account.operations()).toArray();
        on.refuseUnsupported(app, asked);
        if (!yes) {
            throw new UserException("destroy deletes every stack and empties the site and artifacts buckets; "
                    + "run with --yes to confirm (the database keeps a final snapshot)");
        }
        LoadedDescriptor loaded = on.load(app);
        DestroyOutcome outcome = on.onTier(app, account.scope(loaded.descriptor()), asked,
                tier -> tier.destroy(new DestroyRequest(forceDataDeletion)));
        app.console().info("deleted " + outcome.deleted().size() + " stack(s): " + outcome.deleted());
        return ExitCode.OK;
    }
}
