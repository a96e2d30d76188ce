package io.tierlift.render.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.aws.cfn.CfnJson;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link StackPlan} into the files {@code render} writes: per stack
 * {@code <key>.template.json} and {@code <key>.parameters.json} (the AWS CLI's
 * ParameterKey/ParameterValue list), {@code <key>.stack-policy.json} for a stack that has one, plus {@code stacks.json}, the plan itself for review and for
 * the deployer: order, names, regions, and where each parameter value comes from.
 */
public final class StackFiles {
    /** Nothing here is secret; the files are meant to be read and diffed. */
    private static final int MODE = 0644;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private final CfnJson json;

    public StackFiles(CfnJson json) {
        this.json = json;
    }

    public List<RenderedFile> render(String target, StackPlan plan) {
        List<RenderedFile> files = new ArrayList<>();
        for (StackSpec stack : plan.stacks()) {
            files.add(file(stack.templateFile(), json.write(stack.template())));
            files.add(file(stack.parametersFile(), json.write(parameters(stack, plan.names()))));
            // As sent to CloudFormation (StackPolicyBody), so the file is exactly what the stack carries.
            stack.stackPolicy().ifPresent(policy -> files.add(file(stack.stackPolicyFile(), policy + "\n")));
        }
        files.add(file("stacks.json", json.write(planJson(target, plan))));
        return files;
    }

    private static ArrayNode parameters(StackSpec stack, StackPlan.Names names) {
        ArrayNode list = JSON.arrayNode();
        stack.parameters().forEach((name, source) -> {
            ObjectNode entry = list.addObject();
            entry.put("ParameterKey", name);
            entry.put("ParameterValue", source.display(names));
        });
        return list;
    }

    private static ObjectNode planJson(String target, StackPlan plan) {
        ObjectNode root = JSON.objectNode();
        root.put("target", target);
        ObjectNode tags = root.putObject("tags");
        plan.tags().forEach(tags::put);
        ArrayNode stacks = root.putArray("stacks");
        for (StackSpec stack : plan.stacks()) {
            ObjectNode s = stacks.addObject();
            s.put("key", stack.key());
            s.put("name", stack.name());
            s.put("region", stack.region());
            s.put("template", stack.templateFile());
            s.put("parameters_file", stack.parametersFile());
            ArrayNode capabilities = s.putArray("capabilities");
            stack.capabilities().forEach(capabilities::add);
            ArrayNode dependsOn = s.putArray("depends_on");
            stack.dependsOn().forEach(dependsOn::add);
            ObjectNode parameters = s.putObject("parameters");
            stack.parameters().forEach((name, source) -> parameters.set(name, sourceJson(source, plan)));
        }
        return root;
    }

    private static ObjectNode sourceJson(ParameterSource source, StackPlan plan) {
        ObjectNode node = JSON.objectNode();
        // Java 17 has no pattern matching for switch; the interface is sealed, so this chain is complete.
        if (source instanceof ParameterSource.Literal literal) {
            node.put("from", "literal");
            node.put("value", literal.value());
        } else if (source instanceof ParameterSource.StackOutput out) {
            node.put("from", "stack-output");
            node.put("stack", out.stackKey());
            node.put("region", plan.stack(out.stackKey()).region());
            node.put("output", out.outputName());
        } else if (source instanceof ParameterSource.DeployTime deployTime) {
            node.put("from", "deploy-time");
            node.put("name", deployTime.name());
            node.put("how", deployTime.howToObtain());
        }
        return node;
    }

    private static RenderedFile file(String location, String content) {
        return RenderedFile.text(location, content, MODE, "", "", false);
    }
}
