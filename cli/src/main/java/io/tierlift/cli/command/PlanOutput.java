package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlanJson;
import io.tierlift.plan.PlanTextWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Prints a plan as text or JSON, saves it, and gives the exit code the options ask for. */
final class PlanOutput {
    private PlanOutput() {
    }

    static int emit(Application app, Plan plan, String format, Path planFile, boolean detailedExitCode) {
        PlanJson json = new PlanJson();
        switch (format) {
            case "json" -> app.console().out().println(json.write(plan));
            case "text" -> new PlanTextWriter(app.console().color()).write(plan, app.console().out());
            case "markdown" -> new io.tierlift.plan.PlanMarkdownWriter().write(plan, app.console().out());
            default -> throw new UserException("unknown output format '" + format + "'; expected text, json or markdown", ExitCode.USAGE);
        }
        app.console().out().flush();
        if (planFile != null) {
            try {
                Files.writeString(planFile, json.write(plan));
            } catch (IOException e) {
                throw new UserException("cannot write the plan to " + planFile + ": " + e.getMessage());
            }
            app.console().info("plan saved to " + planFile + "; apply it with: tierlift deploy " + plan.target() + " --plan " + planFile);
        }
        return detailedExitCode && plan.hasChanges() ? ExitCode.CHANGES : ExitCode.OK;
    }
}
