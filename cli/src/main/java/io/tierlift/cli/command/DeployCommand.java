package io.tierlift.cli.command;

import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.TargetConverter;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

@Command(name = "deploy", description = "Make the target match the descriptor.")
public final class DeployCommand extends NotYetCommand {
    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Option(names = "--plan", paramLabel = "PLANFILE", description = "Apply exactly this saved plan (refused if the target changed since).")
    Path planFile;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;
    @Option(names = "--rollback", description = "Go back to the previous release.")
    boolean rollback;
}
