package io.tierlift.render.aws;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stacks of one tier in deployment order, with the tags the deployer puts on every stack
 * (CloudFormation copies stack tags to the resources that support tags). Construction checks the
 * wiring: every output a parameter names exists, in a stack that comes earlier.
 */
public record StackPlan(List<StackSpec> stacks, Map<String, String> tags) {
    public StackPlan {
        stacks = List.copyOf(stacks);
        tags = Collections.unmodifiableMap(new TreeMap<>(tags));
        Map<String, StackSpec> earlier = new HashMap<>();
        for (StackSpec stack : stacks) {
            stack.parameters().forEach((parameter, source) -> {
                if (source instanceof ParameterSource.StackOutput out) {
                    StackSpec producer = earlier.get(out.stackKey());
                    if (producer == null) {
                        throw new IllegalArgumentException("stack " + stack.key() + " parameter " + parameter
                                + " needs stack " + out.stackKey() + ", which does not come before it");
                    }
                    if (producer.template().output(out.outputName()).isEmpty()) {
                        throw new IllegalArgumentException("stack " + stack.key() + " parameter " + parameter
                                + " needs output " + out.outputName() + " that stack " + out.stackKey() + " does not have");
                    }
                }
            });
            if (earlier.putIfAbsent(stack.key(), stack) != null) {
                throw new IllegalArgumentException("stack " + stack.key() + " appears twice");
            }
        }
    }

    public StackSpec stack(String key) {
        return stacks.stream().filter(s -> s.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stack " + key));
    }

    /** Resolves stack keys to full stack names, for placeholders. */
    public Names names() {
        return key -> stack(key).name();
    }

    @FunctionalInterface
    public interface Names {
        String stackName(String stackKey);
    }
}
