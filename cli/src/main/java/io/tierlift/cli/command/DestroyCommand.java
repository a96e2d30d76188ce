package io.tierlift.cli.command;

import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.TargetConverter;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "destroy", description = "Remove what tierlift deployed to the target (keeping a final database snapshot on AWS).")
public final class DestroyCommand extends NotYetCommand {
    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;
}
