package io.tierlift.onprem.deploy;

import io.tierlift.plan.Plan;

import java.util.LinkedHashMap;
import java.util.Map;

/** The recap at the end of a deploy, per host, as Ansible's: ok, changed or failed. */
public final class DeployReport {
    public enum HostResult { OK, CHANGED, FAILED, SKIPPED }

    private final Plan plan;
    private final Map<String, HostResult> hosts = new LinkedHashMap<>();
    private final Map<String, Integer> changes = new LinkedHashMap<>();

    public DeployReport(Plan plan) {
        this.plan = plan;
    }

    public Plan plan() {
        return plan;
    }

    public synchronized void changed(String host) {
        changes.merge(host, 1, Integer::sum);
        hosts.put(host, HostResult.CHANGED);
    }

    public synchronized void ok(String host) {
        hosts.putIfAbsent(host, HostResult.OK);
    }

    public synchronized void failed(String host) {
        hosts.put(host, HostResult.FAILED);
    }

    public synchronized void skipped(String host) {
        hosts.putIfAbsent(host, HostResult.SKIPPED);
    }

    public synchronized Map<String, HostResult> hosts() {
        return Map.copyOf(hosts);
    }

    public synchronized int changesOn(String host) {
        return changes.getOrDefault(host, 0);
    }

    public synchronized int totalChanges() {
        return changes.values().stream().mapToInt(Integer::intValue).sum();
    }

    public synchronized boolean failed() {
        return hosts.containsValue(HostResult.FAILED);
    }
}
