package io.tierlift.aws.cloudformation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deploys several stacks where later ones take earlier ones' outputs as parameters (network →
 * database → app). Stacks go in dependency order, in the given order where there is none; a
 * reference to a stack outside the group reads that stack's live outputs.
 */
public final class StackGroupDeployer {
    private final StackDeployer deployer;

    public StackGroupDeployer(StackDeployer deployer) {
        this.deployer = deployer;
    }

    /** Results by stack name, in deploy order. Stops at the first failure (later stacks need its outputs). */
    public Map<String, DeployResult> deployAll(List<StackRequest> requests) {
        Map<String, DeployResult> results = new LinkedHashMap<>();
        for (StackRequest request : order(requests)) {
            Map<String, String> resolved = new TreeMap<>();
            request.parameterSources().forEach((parameter, ref) ->
                    resolved.put(parameter, outputOf(ref, request, results)));
            results.put(request.stackName(), deployer.deploy(request.withResolvedParameters(resolved)));
        }
        return results;
    }

    /** Deletes the group's stacks, dependents first. Returns the names of the stacks that existed. */
    public List<String> deleteAll(List<StackRequest> requests) {
        List<StackRequest> reversed = new ArrayList<>(order(requests));
        Collections.reverse(reversed);
        List<String> deleted = new ArrayList<>();
        for (StackRequest request : reversed) {
            if (deployer.deleteStack(request.stackName(), request.region())) {
                deleted.add(request.stackName());
            }
        }
        return deleted;
    }

    /** Dependency order (Kahn's algorithm, stable); a cycle is a descriptor/renderer bug and is named. */
    public List<StackRequest> order(List<StackRequest> requests) {
        Map<String, StackRequest> byName = new LinkedHashMap<>();
        for (StackRequest request : requests) {
            if (byName.put(request.stackName(), request) != null) {
                throw new IllegalArgumentException("stack " + request.stackName() + " appears twice in the group");
            }
        }
        Map<String, Set<String>> needs = new LinkedHashMap<>();
        for (StackRequest request : requests) {
            Set<String> deps = new LinkedHashSet<>();
            for (OutputRef ref : request.parameterSources().values()) {
                if (ref.stackName().equals(request.stackName())) {
                    throw new IllegalArgumentException("stack " + request.stackName() + " takes a parameter from its own output " + ref);
                }
                if (byName.containsKey(ref.stackName())) {
                    deps.add(ref.stackName());
                }
            }
            needs.put(request.stackName(), deps);
        }
        List<StackRequest> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(byName.keySet());
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (int i = pending.size(); i > 0; i--) {
                String name = pending.pollFirst();
                if (done.containsAll(needs.get(name))) {
                    done.add(name);
                    ordered.add(byName.get(name));
                    progressed = true;
                } else {
                    pending.addLast(name);
                }
            }
            if (!progressed) {
                throw new IllegalArgumentException("stacks depend on each other's outputs in a cycle: " + pending);
            }
        }
        return ordered;
    }

    private String outputOf(OutputRef ref, StackRequest consumer, Map<String, DeployResult> results) {
        Map<String, String> outputs;
        DeployResult earlier = results.get(ref.stackName());
        if (earlier != null) {
            outputs = earlier.outputs();
        } else {
            outputs = deployer.status(ref.stackName(), consumer.region())
                    .orElseThrow(() -> new StackDeployException(consumer.stackName(), "stack " + consumer.stackName()
                            + " needs " + ref + ", but stack " + ref.stackName() + " does not exist"))
                    .outputs();
        }
        String value = outputs.get(ref.outputKey());
        if (value == null) {
            throw new StackDeployException(consumer.stackName(), "stack " + consumer.stackName() + " needs " + ref
                    + ", but stack " + ref.stackName() + " has no such output (it has " + new TreeMap<>(outputs).keySet() + ")");
        }
        return value;
    }
}
