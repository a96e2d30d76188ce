package io.tierlift.aws.restore;

import io.tierlift.aws.DeployTimeValues;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.PointInTimeRestore;
import io.tierlift.render.aws.StackSpec;

import java.util.Map;
import java.util.Optional;

/**
 * The restore parameters' deploy-time values for a deploy: the values the live stack has (a restore set
 * them; changing either would replace the database again), empty for a stack that does not exist or
 * was made before it had them.
 */
public final class KeptRestoreValues implements DeployTimeValues {
    private final StackDeployer stacks;

    public KeptRestoreValues(StackDeployer stacks) {
        this.stacks = stacks;
    }

    @Override
    public Optional<String> value(StackSpec stack, String name, Map<String, Map<String, String>> outputs) {
        if (!PointInTimeRestore.SOURCE_VALUE.equals(name) && !PointInTimeRestore.TIME_VALUE.equals(name)) {
            return Optional.empty();
        }
        Optional<String> parameter = stack.parameters().entrySet().stream()
                .filter(e -> e.getValue() instanceof ParameterSource.DeployTime d && d.name().equals(name))
                .map(Map.Entry::getKey).findFirst();
        return parameter.map(p -> stacks.status(stack.name(), stack.region())
                .filter(live -> !"DELETE_COMPLETE".equals(live.status()))
                .map(live -> live.parameters().getOrDefault(p, ""))
                .orElse(""));
    }
}
