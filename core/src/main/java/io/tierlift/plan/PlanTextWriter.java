package io.tierlift.plan;

import java.io.PrintWriter;

/** Prints a plan for people, in the shape Terraform users read every day. */
public final class PlanTextWriter {
    private final boolean color;

    public PlanTextWriter(boolean color) {
        this.color = color;
    }

    public void write(Plan plan, PrintWriter out) {
        out.println("Plan for " + plan.app() + " on " + plan.target()
                + (plan.environment().equals("default") ? "" : " (environment " + plan.environment() + ")") + ":");
        out.println();
        for (PlannedChange change : plan.changes()) {
            if (!change.action().isChange()) {
                continue;
            }
            out.println(paint(change.action(), "  " + pad(change.action().symbol()) + " " + change.address())
                    + "  (" + change.kind() + ": " + change.summary() + ")");
            for (String reason : change.reasons()) {
                out.println("        # " + reason);
            }
            if (change.dataLoss()) {
                out.println(paint(Action.DELETE, "        !! this change replaces or deletes data"));
            }
            change.diff().ifPresent(diff -> diff.lines().forEach(line -> out.println("        " + line)));
        }
        long unchanged = plan.count(Action.NO_OP);
        out.println();
        if (!plan.hasChanges()) {
            out.println("No changes. " + plan.target() + " matches the descriptor (" + unchanged + " resources checked).");
        } else {
            out.println("Plan: " + plan.count(Action.CREATE) + " to create, " + plan.count(Action.UPDATE) + " to update, "
                    + plan.count(Action.REPLACE) + " to replace, " + plan.count(Action.DELETE) + " to delete, "
                    + unchanged + " unchanged.");
        }
        out.flush();
    }

    private static String pad(String symbol) {
        return String.format("%-3s", symbol);
    }

    private String paint(Action action, String text) {
        if (!color) {
            return text;
        }
        String code = switch (action) {
            case CREATE -> "32";
            case UPDATE -> "33";
            case REPLACE, DELETE -> "31";
            case NO_OP -> "0";
        };
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }
}
