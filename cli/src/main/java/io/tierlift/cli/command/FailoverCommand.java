package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.onprem.deploy.OnpremFailover;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "failover", description = {"Promote the on-prem standby and point the app servers at it.",
        "The old primary is stopped first when it still answers, so it cannot take writes."})
public final class FailoverCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "onprem", description = "Only onprem has a failover to run by hand.")
    String target;
    @Mixin
    DescriptorOptions descriptor;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    FailoverCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        if (!"onprem".equals(target)) {
            throw new UserException("failover is for onprem; AWS fails over RDS and Aurora by itself", ExitCode.USAGE);
        }
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        if (!yes && System.console() == null) {
            throw new UserException("failover promotes the standby and stops the primary; run with --yes to confirm");
        }
        var onprem = loaded.descriptor().targets().onprem().orElseThrow(() ->
                new UserException("the descriptor has no targets.onprem section", ExitCode.INVALID_DESCRIPTOR));
        var result = new OnpremFailover(app.connectors().create(onprem, false), app.renderer(Target.ONPREM),
                app.secretsFor(loaded.descriptor()), new StderrProgress(app.console())).failover(loaded.descriptor());
        app.console().out().println(result.newPrimary() + " is the primary now; " + result.oldPrimary()
                + (result.oldPrimaryFenced() ? " was stopped." : " could not be reached and was not stopped."));
        app.console().out().println("Next: " + result.nextStep() + ".");
        app.console().out().flush();
        return ExitCode.OK;
    }
}
