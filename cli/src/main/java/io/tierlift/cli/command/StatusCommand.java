package io.tierlift.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.TargetConverter;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.provider.Target;
import io.tierlift.tier.Operation;
import io.tierlift.tier.StatusReport;
import io.tierlift.tier.StatusRequest;
import io.tierlift.tier.Tier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "status", description = {"Show the health of what runs on the target.",
        "onprem: services per host, releases, PostgreSQL roles and replication lag; exit 1 when something is unhealthy.",
        "aws-iaas: stacks and outputs, the Auto Scaling group (sizes, instances by state) and the RDS instance; exit 1 "
                + "when a stack failed or rolled back, RDS is not available or fewer instances are in service than desired."})
public final class StatusCommand implements Callable<Integer> {
    private final Application app;

    /** {@code status --output}: lower-case constants so picocli accepts exactly "text" and "json". */
    enum StatusFormat { text, json }

    @Parameters(index = "0", paramLabel = "TARGET", converter = TargetConverter.class, completionCandidates = TargetConverter.class)
    Target target;
    @Mixin
    DescriptorOptions descriptor;
    @Mixin
    AccountOptions account;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "aws-iaas: text (tables) or json (one object on stdout).")
    StatusFormat output;

    StatusCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        boolean json = output == StatusFormat.json;
        Operation[] asked = new Operations(Operation.STATUS).when(json, Operation.STATUS_JSON).and(account.operations()).toArray();
        app.tiers().require(target, asked);
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        StatusReport report;
        try (Tier tier = app.tiers().open(target, account.scope(loaded.descriptor()), asked)) {
            report = tier.status(new StatusRequest(json));
        }
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
