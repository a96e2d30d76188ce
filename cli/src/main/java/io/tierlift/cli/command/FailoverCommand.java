package io.tierlift.cli.command;

import io.tierlift.cli.DescriptorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "failover", description = "Promote the on-prem standby and repoint the app hosts.")
public final class FailoverCommand extends NotYetCommand {
    @Parameters(index = "0", paramLabel = "onprem", description = "Only onprem has a failover to run by hand.")
    String target;
    @Mixin
    DescriptorOptions descriptor;
}
