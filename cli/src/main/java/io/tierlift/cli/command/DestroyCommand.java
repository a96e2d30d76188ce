package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.UserException;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "destroy", description = "Remove what tierlift deployed to the target (keeping a final database snapshot on AWS).")
public final class DestroyCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Mixin
    AwsCommands.Options aws;
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
        if (target != Target.AWS_IAAS && target != Target.AWS_SERVERLESS) {
            throw new UserException("'tierlift destroy " + target + "' is not implemented in this version yet");
        }
        if (!yes) {
            throw new UserException("destroy deletes every stack and empties the site and artifacts buckets; "
                    + "run with --yes to confirm (the database keeps a final snapshot)");
        }
        var loaded = app.loader().load(descriptor.file(), descriptor.environment());
        if (target == Target.AWS_SERVERLESS) {
            return ServerlessCommands.destroy(app, loaded.descriptor(), aws, forceDataDeletion);
        }
        return AwsCommands.withSession(app, loaded.descriptor(), aws, s -> {
            var deleted = s.deployer().destroy(s.plan(), true, forceDataDeletion);
            app.console().info("deleted " + deleted.size() + " stack(s): " + deleted);
            return ExitCode.OK;
        });
    }
}
