package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorDigest;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.provider.Target;
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
    AwsCommands.Options aws;
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
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        Warnings.print(app.console(), loaded);
        String digest = DescriptorDigest.of(descriptor.file(), descriptor.environment());
        Plan plan = switch (target) {
            case ONPREM -> {
                if (offline) {
                    yield new io.tierlift.onprem.deploy.OnpremPlanner().offline(loaded.descriptor(),
                            app.renderer(Target.ONPREM).render(loaded.descriptor(), io.tierlift.secret.SecretView.masked()), digest);
                }
                yield OnpremCommands.deployer(app, loaded.descriptor(), acceptNewHostKeys).plan(loaded.descriptor(), digest).plan();
            }
            case AWS_IAAS -> offline
                    ? new io.tierlift.aws.iaas.AwsIaasDeployer(null, null, null, null, (s, m) -> { }, null, null,
                            java.time.Clock.systemUTC()).planOffline(loaded.descriptor(), AwsCommands.stackPlan(loaded.descriptor()), digest)
                    : AwsCommands.withSession(app, loaded.descriptor(), aws, s -> s.deployer().plan(loaded.descriptor(), s.plan(),
                            AwsCommands.VERSION, digest));
            case AWS_SERVERLESS -> offline ? ServerlessCommands.planOffline(loaded.descriptor(), digest)
                    : ServerlessCommands.plan(app, loaded.descriptor(), aws, digest);
            default -> throw new UserException("plan " + target + " is not implemented in this version yet");
        };
        return PlanOutput.emit(app, plan, output, planFile, detailedExitCode);
    }
}
