package io.tierlift.cli;

import io.tierlift.cli.command.AuditCommand;
import io.tierlift.cli.command.CompletionCommand;
import io.tierlift.cli.command.DemoCommand;
import io.tierlift.cli.command.DeployCommand;
import io.tierlift.cli.command.DestroyCommand;
import io.tierlift.cli.command.DiagramCommand;
import io.tierlift.cli.command.InitCommand;
import io.tierlift.cli.command.BackupCommand;
import io.tierlift.cli.command.FailoverCommand;
import io.tierlift.cli.command.ReleasesCommand;
import io.tierlift.cli.command.RestoreCommand;
import io.tierlift.cli.command.MigrateCommand;
import io.tierlift.cli.command.PlanCommand;
import io.tierlift.cli.command.RenderCommand;
import io.tierlift.cli.command.SandboxCommand;
import io.tierlift.cli.command.SchemaCommand;
import io.tierlift.cli.command.StatusCommand;
import io.tierlift.cli.command.ValidateCommand;
import io.tierlift.cli.command.VersionCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tierlift", mixinStandardHelpOptions = true, scope = picocli.CommandLine.ScopeType.INHERIT, versionProvider = TierliftCommand.VersionProvider.class,
        description = "Deploy a three-tier web app to on-prem hosts, AWS IaaS or AWS serverless, and move it between them with its data.",
        subcommands = {ValidateCommand.class, RenderCommand.class, PlanCommand.class, DeployCommand.class,
                DestroyCommand.class, StatusCommand.class, ReleasesCommand.class, FailoverCommand.class, BackupCommand.class, RestoreCommand.class, io.tierlift.cli.command.WafCommand.class, io.tierlift.cli.command.MaintenanceCommand.class, io.tierlift.cli.command.LogsCommand.class,
                io.tierlift.cli.command.ExecCommand.class, io.tierlift.cli.command.DbCommand.class, MigrateCommand.class,
                SandboxCommand.class, AuditCommand.class, DemoCommand.class, SchemaCommand.class, VersionCommand.class,
                CompletionCommand.class, InitCommand.class, DiagramCommand.class, io.tierlift.cli.complete.CompleteCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (plan: no changes)", "1:operation failed", "2:plan found changes (--detailed-exitcode)",
                "64:bad command line", "65:invalid descriptor"})
public final class TierliftCommand {
    @Option(names = {"-v", "--verbose"}, scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Show more detail, including internal errors' stack traces.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, scope = picocli.CommandLine.ScopeType.INHERIT, description = "Only errors on stderr.")
    boolean quiet;

    @Option(names = "--output-events", paramLabel = "FORMAT", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "Also write each progress step to stderr as one JSON object per line (FORMAT: json); kept with --quiet.")
    String outputEvents;

    static final class VersionProvider implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"tierlift " + Version.current()};
        }
    }
}
