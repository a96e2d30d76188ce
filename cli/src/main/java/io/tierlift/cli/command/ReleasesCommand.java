package io.tierlift.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.Operation;
import io.tierlift.tier.ReleaseEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "releases", description = {"List the releases deploy --rollback can return to, newest first.",
        "Each with when it was deployed, whether it is live, and the last schema migration it carries (the schema its "
                + "release command brought the database to). onprem: the backend releases the app hosts keep; aws-iaas: "
                + "the release artifacts in the artifact bucket; aws-serverless: the function's published versions."})
public final class ReleasesCommand implements Callable<Integer> {
    /** {@code --output}: lower-case constants so picocli accepts exactly text and json. */
    enum Format { text, json }

    private final Application app;
    @Mixin
    TargetArguments on;
    @Mixin
    AccountOptions account;
    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (a table) or json (an array on stdout).")
    Format output;

    ReleasesCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        Operation[] asked = new Operations(Operation.RELEASES).and(account.operations()).toArray();
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        List<ReleaseEntry> releases = on.onTier(app, account.scope(loaded.descriptor()), asked, tier -> tier.releases());
        PrintWriter out = app.console().out();
        if (output == Format.json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(releases)));
        } else if (releases.isEmpty()) {
            out.println("No releases yet.");
        } else {
            out.println(String.format("%-20s %-4s %-22s %-10s %s", "RELEASE", "LIVE", "DEPLOYED", "MIGRATIONS", "SCHEMA"));
            for (ReleaseEntry r : releases) {
                out.println(String.format("%-20s %-4s %-22s %-10d %s", r.id(), r.live() ? "*" : "",
                        r.deployedAt().map(Object::toString).orElse("-"), r.migrations().size(), r.schema().orElse("-")));
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    static ArrayNode json(List<ReleaseEntry> releases) {
        ArrayNode array = new ObjectMapper().createArrayNode();
        for (ReleaseEntry r : releases) {
            ObjectNode node = array.addObject();
            node.put("id", r.id());
            node.put("deployed", r.deployedAt().map(Object::toString).orElse(null));
            node.put("live", r.live());
            node.put("schema", r.schema().orElse(null));
            ArrayNode migrations = node.putArray("migrations");
            r.migrations().forEach(migrations::add);
        }
        return array;
    }
}
