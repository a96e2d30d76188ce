package io.tierlift.plan;

import java.io.PrintWriter;
import java.util.List;

/**
 * Prints a plan as GitHub-flavoured Markdown for CI summaries and pull-request comments: a
 * heading, the counts line, a table of the changed resources, the data-loss changes called out.
 * Diffs are left out on purpose: a PR comment is public to everyone who reads the repository, and
 * the text plan (or the JSON artifact) has them for those who need them.
 */
public final class PlanMarkdownWriter {

    public void write(Plan plan, PrintWriter out) {
        out.println("## tierlift plan: " + cell(plan.app()) + " on " + cell(plan.target())
                + (plan.environment().equals("default") ? "" : " (environment " + cell(plan.environment()) + ")"));
        out.println();
        long unchanged = plan.count(Action.NO_OP);
        if (!plan.hasChanges()) {
            out.println("**No changes.** " + plan.target() + " matches the descriptor (" + unchanged + " resources checked).");
            out.flush();
            return;
        }
        out.println("**Plan:** " + counts(plan));
        out.println();
        out.println("| action | address | kind | summary |");
        out.println("|---|---|---|---|");
        for (PlannedChange change : plan.changes()) {
            if (change.action().isChange()) {
                out.println("| `" + change.action().symbol() + "` " + change.action().verb() + " | `" + code(change.address())
                        + "` | " + cell(change.kind()) + " | " + cell(change.summary()) + (change.dataLoss() ? " **(data loss)**" : "") + " |");
            }
        }
        List<PlannedChange> losing = plan.changes().stream().filter(c -> c.action().isChange() && c.dataLoss()).toList();
        if (!losing.isEmpty()) {
            out.println();
            out.println("> [!WARNING]");
            out.println("> " + losing.size() + (losing.size() == 1 ? " change replaces or deletes data:" : " changes replace or delete data:"));
            for (PlannedChange change : losing) {
                out.println("> - `" + code(change.address()) + "` (" + change.action().verb() + ")"
                        + (change.reasons().isEmpty() ? "" : ": " + cell(String.join("; ", change.reasons()))));
            }
        }
        out.println();
        out.println(unchanged + " resources unchanged.");
        out.flush();
    }

    /** "3 to create, 1 to update, 0 to replace, 0 to delete, 12 unchanged." — the text plan's counts line. */
    public static String counts(Plan plan) {
        return plan.count(Action.CREATE) + " to create, " + plan.count(Action.UPDATE) + " to update, "
                + plan.count(Action.REPLACE) + " to replace, " + plan.count(Action.DELETE) + " to delete, "
                + plan.count(Action.NO_OP) + " unchanged.";
    }

    /** A table cell: pipes would end the cell and newlines the row; HTML is shown as text. */
    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", " ").replace("\n", " ");
    }

    /** Inside backticks only a backtick or a pipe can break out. */
    private static String code(String text) {
        return text.replace("`", "'").replace("|", "\\|").replace("\n", " ");
    }
}
