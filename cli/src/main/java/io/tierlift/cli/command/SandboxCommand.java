package io.tierlift.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

@Command(name = "sandbox", description = "A local data center of SSH hosts on this machine (needs root).")
public final class SandboxCommand extends NotYetCommand {
    @Parameters(index = "0", paramLabel = "ACTION", description = "up, down or status.")
    String action;
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "examples/notes/sandbox.yaml")
    Path file;
}
