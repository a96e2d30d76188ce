package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorDigest;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.onprem.deploy.DeployOptions;
import io.tierlift.onprem.deploy.DeployReport;
import io.tierlift.onprem.deploy.HostFailure;
import io.tierlift.onprem.deploy.StalePlanException;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlanJson;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "deploy", description = "Make the target match the descriptor.")
public final class DeployCommand implements Callable<Integer> {
    private final Application app;

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Mixin
    AwsCommands.Options aws;
    @Option(names = "--plan", paramLabel = "PLANFILE", description = "Apply exactly this saved plan (refused if the target changed since).")
    Path planFile;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;
    @Option(names = "--rollback", description = "Go back to the previous release.")
    boolean rollback;
    @Option(names = "--accept-new-host-keys", description = "Trust and record host keys never seen before (a changed key is always refused).")
    boolean acceptNewHostKeys;
    @Option(names = "--break-lock", description = "Break the deploy lease another run holds (only when that run is dead).")
    boolean breakLock;

    DeployCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        Warnings.print(app.console(), loaded);
        if (target == Target.AWS_IAAS) {
            if (!yes) {
                confirm(AwsCommands.withSession(app, loaded.descriptor(), aws, s -> s.deployer().plan(loaded.descriptor(), s.plan(),
                        AwsCommands.VERSION, DescriptorDigest.of(descriptor.file(), descriptor.environment()))));
            }
            return AwsCommands.withSession(app, loaded.descriptor(), aws, s -> AwsCommands.recap(app,
                    s.deployer().deploy(loaded.descriptor(), s.plan(), AwsCommands.VERSION)));
        }
        if (target == Target.AWS_SERVERLESS) {
            if (!yes) {
                confirm(ServerlessCommands.plan(app, loaded.descriptor(), aws, DescriptorDigest.of(descriptor.file(), descriptor.environment())));
            }
            return ServerlessCommands.deploy(app, loaded.descriptor(), aws);
        }
        if (target != Target.ONPREM) {
            throw new UserException("deploy " + target + " is not implemented in this version yet");
        }
        String digest = DescriptorDigest.of(descriptor.file(), descriptor.environment());
        Optional<Plan> saved = Optional.ofNullable(planFile).map(this::readPlan);
        DeployOptions defaults = DeployOptions.defaults();
        DeployOptions options = new DeployOptions(defaults.owner(), defaults.leaseTtl(), breakLock);
        DeployReport report;
        try {
            var deployer = OnpremCommands.deployer(app, loaded.descriptor(), acceptNewHostKeys);
            report = rollback ? deployer.rollback(loaded.descriptor(), options)
                    : deployer.deploy(loaded.descriptor(), digest, options, saved, this::confirm);
        } catch (io.tierlift.onprem.deploy.DeployCancelledException e) {
            throw new UserException(e.getMessage());
        } catch (StalePlanException e) {
            throw new UserException("the saved plan is stale: " + e.getMessage());
        } catch (HostFailure e) {
            throw new UserException("deploy failed on " + e.getMessage());
        }
        recap(report);
        return report.failed() ? ExitCode.FAILED : ExitCode.OK;
    }

    /** Shows the plan and asks, as terraform apply does; without a terminal, --yes is required. */
    private boolean confirm(Plan plan) {
        if (yes) {
            return true;
        }
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

    private void recap(DeployReport report) {
        var out = app.console();
        out.info("");
        out.info("RECAP");
        for (Map.Entry<String, DeployReport.HostResult> entry : new java.util.TreeMap<>(report.hosts()).entrySet()) {
            out.info(String.format("  %-10s %-8s changes=%d", entry.getKey(), entry.getValue().name().toLowerCase(),
                    report.changesOn(entry.getKey())));
        }
        out.info(report.totalChanges() == 0 ? "No changes: every host already matched." : report.totalChanges() + " change(s) applied.");
    }
}
