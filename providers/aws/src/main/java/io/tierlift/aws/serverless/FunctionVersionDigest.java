package io.tierlift.aws.serverless;

import io.tierlift.aws.StackSet;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnJson;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 of what a version of the function snapshots: the package key, the api stack's template and
 * the values it takes from other stacks (the database host, the secrets, the subnets). A new digest
 * publishes a new version; the alias's own parameters are left out, so moving it publishes nothing.
 */
final class FunctionVersionDigest {
    private FunctionVersionDigest() {
    }

    static String of(StackSpec spec, StackPlan plan, Map<String, Map<String, String>> outputs, String packageKey) {
        StringBuilder text = new StringBuilder(new CfnJson().write(spec.template())).append("\npackage=").append(packageKey);
        new TreeMap<>(spec.parameters()).forEach((name, source) -> {
            if (source instanceof ParameterSource.StackOutput out) {
                text.append('\n').append(name).append('=').append(StackSet.output(plan, outputs, out.stackKey(), out.outputName()));
            } else if (source instanceof ParameterSource.Literal literal) {
                text.append('\n').append(name).append('=').append(literal.value());
            }
        });
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
