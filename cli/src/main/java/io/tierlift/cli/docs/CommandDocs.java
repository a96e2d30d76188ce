package io.tierlift.cli.docs;

import picocli.CommandLine;

/** Writes docs/commands.md from picocli's own usage help of every command. */
public final class CommandDocs {
    public String render(CommandLine root) {
        StringBuilder out = new StringBuilder();
        out.append("# Command reference\n\n");
        out.append("Generated from the picocli command definitions in `cli/`. CI fails when this file is out of date; ")
                .append("regenerate with `mvn -pl cli test -Dtest=GeneratedDocsTest -Ddocs.update=true`.\n\n");
        out.append("## tierlift\n\n```\n").append(usage(root)).append("```\n\n");
        for (var entry : root.getSubcommands().entrySet()) {
            // Hidden commands (the completion script's helper) are not part of the documented interface.
            if (entry.getValue().getCommandSpec().usageMessage().hidden()) {
                continue;
            }
            out.append("## tierlift ").append(entry.getKey()).append("\n\n```\n").append(usage(entry.getValue())).append("```\n\n");
        }
        return out.toString();
    }

    private static String usage(CommandLine command) {
        return command.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("[ \\t]+\\n", "\n");
    }
}
