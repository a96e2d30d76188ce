package io.tierlift.migrate;

import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlanTextWriter;
import io.tierlift.plan.PlannedChange;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shows a migration's steps in the plan format every other command uses: done steps unchanged, the rest to run. */
public final class MigrationPlanView {
    public Plan plan(MigrationSettings settings, List<MigrationStep> steps, Journal journal, Instant now) {
        List<PlannedChange> changes = steps.stream().map(step -> PlannedChange.of(
                "migrate." + step.phase().key() + "." + step.name(), step.phase().key(),
                journal.done(step.step()) ? Action.NO_OP : Action.CREATE, step.summary())).toList();
        return new Plan(Plan.FORMAT_VERSION, settings.app(), "default", settings.from() + " -> " + settings.to(),
                "", now, changes, Map.of());
    }

    public String render(MigrationSettings settings, List<MigrationStep> steps, Journal journal, Instant now) {
        StringWriter out = new StringWriter();
        new PlanTextWriter(false).write(plan(settings, steps, journal, now), new PrintWriter(out));
        return out.toString();
    }
}
