package io.tierlift.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.model.WafExclusion;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierScope;
import io.tierlift.tier.WafReportRequest;
import io.tierlift.waf.ExclusionYaml;
import io.tierlift.waf.WafReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Command(name = "waf", description = {"Tune the WAF from the traffic it saw.",
        "onprem: the ModSecurity audit logs of the waf hosts, read over SSH. AWS WAF logs are not read yet."},
        subcommands = {WafCommand.Report.class})
public final class WafCommand {
    /** {@code waf report --output}. */
    enum ReportFormat { text, json }

    @Command(name = "report", description = {"Show what the WAF blocked, grouped by rule, path and parameter, and the "
            + "exclusions (descriptor YAML, ready to paste under targets.onprem.waf) that would let the likely false "
            + "positives through: requests that one CRS rule alone blocked, in a parameter of an /api/ path.",
            "Reads only. Values a rule matched in cookies, credentials and secret-looking parameters are masked."})
    static final class Report implements Callable<Integer> {
        private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([smhd])");

        private final Application app;
        @Mixin
        TargetArguments on;
        @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h",
                description = "How far back to look: 30m, 24h (default), 7d.")
        String since;
        @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json (one document on stdout).")
        ReportFormat output;

        Report(Application app) {
            this.app = app;
        }

        @Override
        public Integer call() throws JsonProcessingException {
            Duration window = duration(since);
            Operation[] asked = {Operation.WAF_REPORT};
            on.refuseUnsupported(app, asked);
            LoadedDescriptor loaded = on.load(app);
            WafReport report = on.onTier(app, TierScope.of(loaded.descriptor()), asked, tier -> tier.wafReport(new WafReportRequest(window)));
            PrintWriter out = app.console().out();
            if (output == ReportFormat.json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(report)));
            } else {
                text(report, out);
            }
            out.flush();
            return ExitCode.OK;
        }

        static Duration duration(String text) {
            Matcher m = DURATION.matcher(text);
            if (!m.matches()) {
                throw new UserException("--since '" + text + "' is not a duration such as 30m, 24h or 7d", ExitCode.USAGE);
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
    }

    static void text(WafReport report, PrintWriter out) {
        out.printf("%d blocked of %d logged request(s) since %s on %s%n", report.blocked(), report.requests(), report.since(),
                String.join(", ", report.hosts()));
        if (report.groups().isEmpty()) {
            out.println("Nothing was blocked.");
            return;
        }
        out.printf("%-7s %5s %5s  %-24s %-28s %-22s %s%n", "RULE", "COUNT", "SCORE", "PATH", "PARAMETER", "VERDICT", "MESSAGE");
        for (WafReport.Group g : report.groups()) {
            out.printf("%-7s %5d %5d  %-24s %-28s %-22s %s%n", g.ruleId(), g.count(), g.score(), g.path(),
                    g.parameter().isEmpty() ? "-" : g.parameter(), g.likelyFalsePositive() ? "likely false positive" : "attack?",
                    g.message());
            out.printf("%-7s matched: %s%n", "", g.sample());
        }
        if (report.proposals().isEmpty()) {
            out.println("No likely false positives: no exclusion proposed.");
            return;
        }
        out.println();
        out.println("# Exclusions that let the likely false positives through; paste under targets.onprem.waf");
        out.println("# (into its exclusions list when it has one), then deploy:");
        out.print(ExclusionYaml.block(report.proposals()));
    }

    static ObjectNode json(WafReport report) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("since", report.since().toString());
        report.hosts().forEach(root.putArray("hosts")::add);
        root.put("requests", report.requests());
        root.put("blocked", report.blocked());
        ArrayNode groups = root.putArray("groups");
        for (WafReport.Group g : report.groups()) {
            ObjectNode node = groups.addObject();
            node.put("rule", g.ruleId());
            node.put("message", g.message());
            node.put("path", g.path());
            node.put("parameter", g.parameter());
            node.put("count", g.count());
            node.put("score", g.score());
            node.put("likely_false_positive", g.likelyFalsePositive());
            node.put("last_seen", g.lastSeen().toString());
            g.hosts().forEach(node.putArray("hosts")::add);
            node.put("sample", g.sample());
        }
        ArrayNode proposals = root.putArray("proposed_exclusions");
        for (WafExclusion e : report.proposals()) {
            ObjectNode node = proposals.addObject();
            e.ruleId().ifPresent(id -> node.put("rule", id));
            e.tag().ifPresent(tag -> node.put("tag", tag));
            node.put("target", e.target());
            e.pathPrefix().ifPresent(p -> node.put("path", p));
        }
        root.put("proposed_yaml", report.proposals().isEmpty() ? "" : ExclusionYaml.block(report.proposals()));
        return root;
    }
}
