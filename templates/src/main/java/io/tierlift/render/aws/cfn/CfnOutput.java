package io.tierlift.render.aws.cfn;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stack output. Other stacks receive outputs as parameters, passed by the deployer (see
 * {@code StackPlan}), not through exports: exports lock the producing stack and cannot cross
 * regions, and the WAF stack always lives in us-east-1.
 */
public record CfnOutput(String name, String description, JsonNode value) {
    public CfnOutput {
        value = value.deepCopy();
    }
}
