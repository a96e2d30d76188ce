package io.tierlift.cli.command;

import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.TargetConverter;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "status", description = "Show the health of what runs on the target.")
public final class StatusCommand extends NotYetCommand {
    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
}
