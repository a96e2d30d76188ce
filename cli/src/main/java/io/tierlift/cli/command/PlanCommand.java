package io.tierlift.cli.command;

import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.TargetConverter;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

@Command(name = "plan", description = "Show what deploy would change, changing nothing.")
public final class PlanCommand extends NotYetCommand {
    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Option(names = "--offline", description = "Plan from the descriptor alone, without contacting hosts or AWS.")
    boolean offline;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text, json or markdown.")
    String output;
    @Option(names = "--out", paramLabel = "PLANFILE", description = "Save the plan for deploy --plan.")
    Path planFile;
    @Option(names = "--detailed-exitcode", description = "Exit 2 when there are changes, 0 when none (as Terraform).")
    boolean detailedExitCode;
}
