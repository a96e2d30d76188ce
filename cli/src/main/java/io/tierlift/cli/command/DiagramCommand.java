package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.diagram.MermaidCli;
import io.tierlift.model.AppDescriptor;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "diagram", description = {"Draw the topology a target would deploy, from the same model the renderers use.",
        "aws-iaas and aws-serverless are drawn from the CloudFormation stacks render writes.",
        "mermaid prints Mermaid flowchart text (GitHub and GitLab show it in Markdown); svg and png run the Mermaid CLI (mmdc) with Debian's chromium."})
public final class DiagramCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    TargetArguments on;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "mermaid", description = "mermaid, svg or png (default: ${DEFAULT-VALUE}).")
    String output;
    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write here instead of stdout (required for svg and png).")
    Path file;

    DiagramCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws IOException {
        if (!output.equals("mermaid") && !output.equals("svg") && !output.equals("png")) {
            throw new UserException("unknown output format '" + output + "'; expected mermaid, svg or png", ExitCode.USAGE);
        }
        on.refuseUnsupported(app, Operation.DIAGRAM);
        LoadedDescriptor loaded = on.load(app);
        String mermaid = mermaid(loaded.descriptor());
        if (output.equals("mermaid")) {
            if (file == null) {
                app.console().out().print(mermaid);
                app.console().out().flush();
            } else {
                Files.writeString(file, mermaid);
                app.console().info("wrote " + file);
            }
            return ExitCode.OK;
        }
        if (file == null) {
            throw new UserException("--output " + output + " needs -o FILE", ExitCode.USAGE);
        }
        MermaidCli cli = mermaidCli();
        var missing = cli.missing();
        if (missing.isPresent()) {
            throw new UserException("cannot draw " + output + ": " + missing.get());
        }
        var progress = new StderrProgress(app.console());
        progress.step("diagram", "rendering " + file + " with the Mermaid CLI");
        try {
            cli.render(mermaid, file);
        } catch (MermaidCli.MermaidException e) {
            throw new UserException(e.getMessage());
        }
        progress.step("diagram", "wrote " + file + " (" + Files.size(file) + " bytes)");
        return ExitCode.OK;
    }

    private String mermaid(AppDescriptor d) {
        return on.onTier(app, TierScope.of(d), new Operation[] {Operation.DIAGRAM}, tier -> {
            if (!tier.renderer().isDescribed(d)) {
                throw new UserException(on.descriptor().file() + " has no targets." + on.target() + " section to draw");
            }
            return tier.diagram();
        });
    }

    /** mmdc from the working folder's checkout, else from the checkout this jar was built in, else PATH. */
    private MermaidCli mermaidCli() {
        MermaidCli fromWorkingDir = MermaidCli.locate(app.environment(), Path.of("").toAbsolutePath());
        if (fromWorkingDir.missing().isEmpty()) {
            return fromWorkingDir;
        }
        try {
            Path jar = Path.of(DiagramCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            MermaidCli fromJar = MermaidCli.locate(app.environment(), jar);
            return fromJar.missing().isEmpty() ? fromJar : fromWorkingDir;
        } catch (Exception e) {
            return fromWorkingDir;
        }
    }
}
