package io.tierlift.onprem.deploy;

import io.tierlift.plan.Plan;

import java.util.Map;

/** The printable plan and, per host, what applying it involves. */
public record OnpremPlanResult(Plan plan, Map<String, HostPlan> hosts) {
}
