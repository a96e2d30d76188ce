package io.tierlift.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.audit.AuditInput;
import io.tierlift.audit.AuditReport;
import io.tierlift.audit.Auditor;
import io.tierlift.audit.Finding;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "audit", description = {"Check what tierlift would deploy against its security rules (docs/audit.md).",
        "Looks at the rendered files (secrets masked) and the descriptor only: no network.",
        "Exit 0 without findings, 1 with findings (notes never fail), so CI can gate on it."})
public final class AuditCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    TargetArguments on;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    String output;

    AuditCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws IOException {
        if (!output.equals("text") && !output.equals("json")) {
            throw new UserException("unknown output format '" + output + "'; expected text or json", ExitCode.USAGE);
        }
        MaskedRendering rendering = MaskedRendering.of(app, on, "audit");
        Auditor auditor = new Auditor(rendering.auditRules());
        AuditReport report = auditor.audit(new AuditInput(rendering.loaded().descriptor(), on.target(), rendering.files()));
        if (output.equals("json")) {
            app.console().out().println(json(report, auditor));
        } else {
            text(report, auditor, app.console().out());
        }
        app.console().out().flush();
        return report.passed() ? ExitCode.OK : ExitCode.FAILED;
    }

    private void text(AuditReport report, Auditor auditor, PrintWriter out) {
        for (Finding f : report.results()) {
            out.println(f.severity().key().toUpperCase(java.util.Locale.ROOT) + "  " + f.rule() + "  " + f.where());
            out.println("    what: " + f.what());
            out.println("    fix:  " + f.fix());
        }
        int findings = report.findings().size();
        int notes = report.notes().size();
        out.println(on.target() + ": " + auditor.rules().size() + " rules checked, " + findings + (findings == 1 ? " finding" : " findings")
                + (notes == 0 ? "" : ", " + notes + (notes == 1 ? " note" : " notes")));
    }

    private String json(AuditReport report, Auditor auditor) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("target", on.target().key());
        root.put("rules_checked", auditor.rules().size());
        root.put("passed", report.passed());
        ArrayNode results = root.putArray("results");
        for (Finding f : report.results()) {
            ObjectNode node = results.addObject();
            node.put("rule", f.rule());
            node.put("severity", f.severity().key());
            node.put("finding", f.severity().isFinding());
            ObjectNode where = node.putObject("where");
            putIfSet(where, "host", f.where().host());
            putIfSet(where, "file", f.where().file());
            if (f.where().line() > 0) {
                where.put("line", f.where().line());
            }
            putIfSet(where, "stack", f.where().stack());
            putIfSet(where, "resource", f.where().resource());
            node.put("what", f.what());
            node.put("fix", f.fix());
        }
        return mapper.writeValueAsString(root);
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (!value.isEmpty()) {
            node.put(key, value);
        }
    }
}
