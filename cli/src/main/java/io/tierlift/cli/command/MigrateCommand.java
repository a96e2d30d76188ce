package io.tierlift.cli.command;

import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.TargetConverter;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", description = "Move the running app and its data from one tier to another.")
public final class MigrateCommand extends NotYetCommand {
    @Option(names = "--from", required = true, converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target from;
    @Option(names = "--to", required = true, converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target to;
    @Mixin
    DescriptorOptions descriptor;
    @Option(names = "--resume", description = "Continue an interrupted migration from its journal.")
    boolean resume;
    @Option(names = "--rollback", description = "Undo a migration within its rollback window.")
    boolean rollback;
    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;
}
