package io.tierlift.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.Operation;
import io.tierlift.tier.StatusReport;
import io.tierlift.tier.StatusRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "status", description = {"Show the health of what runs on the target.",
        "onprem: services per host, releases, PostgreSQL roles and replication lag; exit 1 when something is unhealthy.",
        "aws-iaas: stacks and outputs, the Auto Scaling group (sizes, instances by state) and the RDS instance; exit 1 "
                + "when a stack failed or rolled back, RDS is not available or fewer instances are in service than desired.",
        "aws-serverless: stacks and outputs, the function and the API endpoint.",
        "Both AWS tiers: the database's automated backups (retention, last snapshot, earliest and latest restorable "
                + "time); exit 1 when they are off, the latest restorable time is over 15 minutes old or the newest "
                + "automated snapshot over two days old.",
        "Every tier: whether maintenance is on (tierlift maintenance)."})
public final class StatusCommand implements Callable<Integer> {
    private final Application app;

    /** {@code status --output}: lower-case constants so picocli accepts exactly "text" and "json". */
    enum StatusFormat { text, json }

    @Mixin
    TargetArguments on;
    @Mixin
    AccountOptions account;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (tables) or json (one object on stdout).")
    StatusFormat output;

    StatusCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        boolean json = output == StatusFormat.json;
        Operation[] asked = new Operations(Operation.STATUS).when(json, Operation.STATUS_JSON).and(account.operations()).toArray();
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        StatusReport report = on.onTier(app, account.scope(loaded.descriptor()), asked, tier -> tier.status(new StatusRequest(json)));
        PrintWriter out = app.console().out();
        if (report.json().isPresent()) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json().get()));
        } else {
            report.rows().forEach(out::println);
        }
        out.flush();
        return report.healthy() ? ExitCode.OK : ExitCode.FAILED;
    }
}
