package io.tierlift.aws.serverless;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs on aws-serverless: each stack's state and outputs in deploy order, the function's
 * state and last update, and the API's endpoint.
 */
public record ServerlessStatus(List<StackState> stacks, Optional<FunctionState> function, Optional<String> apiEndpoint) {
    public ServerlessStatus {
        stacks = List.copyOf(stacks);
    }

    /** {@code status} is empty when the stack does not exist. */
    public record StackState(String key, String name, String region, Optional<String> status, Map<String, String> outputs) {
        public StackState {
            outputs = Map.copyOf(outputs);
        }
    }

    public record FunctionState(String name, String state, String lastUpdateStatus, String lastModified, String codeSha256) {
    }
}
