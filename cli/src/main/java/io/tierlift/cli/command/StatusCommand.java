package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.onprem.deploy.HostStatus;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", description = {"Show the health of what runs on the target.",
        "onprem: services per host, releases, PostgreSQL roles and replication lag; exit 1 when something is unhealthy.",
        "aws-iaas: stacks and outputs, the Auto Scaling group (sizes, instances by state) and the RDS instance; exit 1 "
                + "when a stack failed or rolled back, RDS is not available or fewer instances are in service than desired."})
public final class StatusCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Mixin
    AwsCommands.Options aws;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "aws-iaas: text (tables) or json (one object on stdout).")
    AwsCommands.StatusFormat output;

    StatusCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        if (target == Target.AWS_IAAS) {
            return AwsCommands.withSession(app, loaded.descriptor(), aws,
                    s -> AwsCommands.printStatus(app, s.deployer().status(s.plan()), output));
        }
        if (target == Target.AWS_SERVERLESS) {
            return ServerlessCommands.status(app, loaded.descriptor(), aws);
        }
        if (target != Target.ONPREM) {
            throw new UserException("status " + target + " is not implemented in this version yet");
        }
        List<HostStatus> hosts = OnpremCommands.deployer(app, loaded.descriptor(), false).status(loaded.descriptor());
        var out = app.console().out();
        boolean healthy = true;
        for (HostStatus host : hosts) {
            out.printf("%-10s %-22s %s%s%n", host.host(), String.join(",", host.roles()), host.healthy() ? "" : "UNHEALTHY: ",
                    String.join("; ", host.facts()));
            healthy &= host.healthy();
        }
        out.flush();
        return healthy ? ExitCode.OK : ExitCode.FAILED;
    }
}
