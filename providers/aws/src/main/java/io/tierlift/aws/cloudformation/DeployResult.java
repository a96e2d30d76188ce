package io.tierlift.aws.cloudformation;

import java.util.Map;
import java.util.TreeMap;

/** The outcome of a successful deploy: the stack's status and outputs; {@code changed} is false for "no changes". */
public record DeployResult(String stackName, String stackId, String status, boolean changed, Map<String, String> outputs) {
    public DeployResult {
        outputs = Map.copyOf(new TreeMap<>(outputs));
    }
}
