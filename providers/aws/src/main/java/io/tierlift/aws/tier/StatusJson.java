package io.tierlift.aws.tier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The part of {@code status --output json} both AWS tiers share: target, health, problems and one entry per stack. */
final class StatusJson {
    /** One stack as status read it; {@code status} is empty when the stack does not exist. */
    record Stack(String key, String name, String region, Optional<String> status, Map<String, String> outputs) {
    }

    private StatusJson() {
    }

    static ObjectNode root(String target, boolean healthy, List<String> problems, List<Stack> stacks) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("target", target);
        root.put("healthy", healthy);
        var problemArray = root.putArray("problems");
        problems.forEach(problemArray::add);
        var stackArray = root.putArray("stacks");
        for (Stack stack : stacks) {
            ObjectNode s = stackArray.addObject();
            s.put("key", stack.key());
            s.put("name", stack.name());
            s.put("region", stack.region());
            s.put("status", stack.status().orElse("ABSENT"));
            ObjectNode outputs = s.putObject("outputs");
            new TreeMap<>(stack.outputs()).forEach(outputs::put);
        }
        return root;
    }
}
