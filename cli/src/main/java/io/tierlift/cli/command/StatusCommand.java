package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.UserException;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "status", description = "Show the health of what runs on the target.")
public final class StatusCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Mixin
    AwsCommands.Options aws;

    StatusCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        if (target != Target.AWS_IAAS) {
            throw new UserException("'tierlift status " + target + "' is not implemented in this version yet");
        }
        var loaded = app.loader().load(descriptor.file(), descriptor.environment());
        return AwsCommands.withSession(app, loaded.descriptor(), aws, s -> {
            AwsCommands.printStatus(app, s.deployer().status(s.plan()));
            return ExitCode.OK;
        });
    }
}
