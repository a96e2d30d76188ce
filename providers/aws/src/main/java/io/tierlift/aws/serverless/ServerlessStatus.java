package io.tierlift.aws.serverless;

import io.tierlift.aws.rds.AutomatedBackups;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs on aws-serverless: each stack's state and outputs in deploy order, the function's
 * state and last update, the API's endpoint, and the automated backups of the Aurora cluster
 * ({@code missing} says when the data stack exists without its cluster).
 */
public record ServerlessStatus(List<StackState> stacks, Optional<FunctionState> function, Optional<String> apiEndpoint,
                               Optional<AutomatedBackups> databaseBackups, List<String> missing) {
    public ServerlessStatus {
        stacks = List.copyOf(stacks);
        missing = List.copyOf(missing);
    }

    /** {@code status} is empty when the stack does not exist. */
    public record StackState(String key, String name, String region, Optional<String> status, Map<String, String> outputs) {
        public StackState {
            outputs = Map.copyOf(outputs);
        }
    }

    public record FunctionState(String name, String state, String lastUpdateStatus, String lastModified, String codeSha256) {
    }

    /** Why the data could not be restored to a recent moment, one line each; empty when it can. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>(missing);
        databaseBackups.ifPresent(b -> problems.addAll(b.problems()));
        return problems;
    }

    public boolean healthy() {
        return problems().isEmpty();
    }
}
