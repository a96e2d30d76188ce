package io.tierlift.cli.docs;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * man(7) pages for tierlift and each command, from the same picocli definitions as `--help`, so
 * `man tierlift-deploy` says what the code does. One page per command: tierlift.1, tierlift-plan.1, ...
 */
public final class ManPages {
    public Map<String, String> render(CommandLine root, String version) {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("tierlift.1", page(root, "tierlift", version));
        for (var entry : root.getSubcommands().entrySet()) {
            if (entry.getValue().getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            pages.put("tierlift-" + entry.getKey() + ".1", page(entry.getValue(), "tierlift-" + entry.getKey(), version));
        }
        return pages;
    }

    private String page(CommandLine command, String name, String version) {
        CommandSpec spec = command.getCommandSpec();
        StringBuilder out = new StringBuilder();
        out.append(".TH ").append(name.toUpperCase()).append(" 1 \"\" \"tierlift ").append(version).append("\" \"tierlift manual\"\n");
        out.append(".SH NAME\n").append(escape(name)).append(" \\- ")
                .append(escape(first(spec.usageMessage().description()))).append('\n');
        out.append(".SH SYNOPSIS\n.nf\n")
                .append(escape(command.getHelp().synopsis(0).strip())).append("\n.fi\n");
        out.append(".SH DESCRIPTION\n");
        for (String line : spec.usageMessage().description()) {
            out.append(escape(line)).append("\n.PP\n");
        }
        if (!spec.positionalParameters().isEmpty()) {
            out.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec parameter : spec.positionalParameters()) {
                out.append(".TP\n.B ").append(escape(parameter.paramLabel())).append('\n')
                        .append(escape(String.join(" ", parameter.description()))).append('\n');
            }
        }
        if (!spec.options().isEmpty()) {
            out.append(".SH OPTIONS\n");
            for (OptionSpec option : spec.options()) {
                if (option.hidden()) {
                    continue;
                }
                out.append(".TP\n.B ").append(escape(String.join(", ", option.names())));
                if (option.typeInfo().isBoolean()) {
                    out.append('\n');
                } else {
                    out.append(" \\fI").append(escape(option.paramLabel())).append("\\fR\n");
                }
                out.append(escape(String.join(" ", option.description()).replace("${DEFAULT-VALUE}",
                        String.valueOf(option.defaultValue())))).append('\n');
            }
        }
        if (spec.subcommands().isEmpty() && name.equals("tierlift")) {
            return out.toString();
        }
        if (name.equals("tierlift")) {
            out.append(".SH COMMANDS\n");
            for (String sub : spec.subcommands().keySet()) {
                CommandSpec child = spec.subcommands().get(sub).getCommandSpec();
                if (!child.usageMessage().hidden()) {
                    out.append(".TP\n.B ").append(escape(sub)).append('\n').append(escape(first(child.usageMessage().description()))).append('\n');
                }
            }
            out.append(".SH EXIT STATUS\n0 success (plan: no changes); 1 the operation failed; 2 plan found changes "
                    + "(with \\-\\-detailed\\-exitcode); 64 bad command line; 65 invalid descriptor.\n");
        }
        out.append(".SH SEE ALSO\n").append(name.equals("tierlift") ? "tierlift\\-deploy(1), tierlift\\-plan(1)" : "tierlift(1)").append('\n');
        return out.toString();
    }

    private static String first(String[] lines) {
        return lines.length == 0 ? "" : lines[0];
    }

    /** roff: backslashes doubled, a leading dot or quote neutralised, dashes kept as dashes. */
    private static String escape(String text) {
        String escaped = text.replace("\\", "\\\\").replace("-", "\\-");
        if (escaped.startsWith(".") || escaped.startsWith("'")) {
            escaped = "\\&" + escaped;
        }
        return escaped;
    }
}
