package io.tierlift.aws.iaas;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What runs on aws-iaas: each stack's state and outputs, in deploy order. */
public record IaasStatus(List<StackState> stacks) {
    public IaasStatus {
        stacks = List.copyOf(stacks);
    }

    /** {@code status} is empty when the stack does not exist. */
    public record StackState(String key, String name, String region, Optional<String> status, Map<String, String> outputs) {
        public StackState {
            outputs = Map.copyOf(outputs);
        }
    }

    public boolean deployed() {
        return stacks.stream().anyMatch(s -> s.status().isPresent());
    }
}
