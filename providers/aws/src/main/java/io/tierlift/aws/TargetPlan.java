package io.tierlift.aws;

import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.render.aws.StackSpec;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The addresses one AWS target gives its planned changes, and the plan that holds them. */
public record TargetPlan(String target, Clock clock) {
    /** "aws-iaas.data.Database": a resource of one stack's template. */
    public String resource(StackSpec stack, String logicalId) {
        return target + "." + stack.key() + "." + logicalId;
    }

    /** "aws-iaas.site/index.html": a file of the React build in the site bucket. */
    public String siteFile(String key) {
        return target + ".site/" + key;
    }

    public Plan plan(AppDescriptor descriptor, String digest, List<PlannedChange> changes, Map<String, String> fingerprints) {
        return new Plan(Plan.FORMAT_VERSION, descriptor.app(), descriptor.environment(), target, digest, clock.instant(),
                changes, fingerprints);
    }
}
