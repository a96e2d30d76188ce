package io.tierlift.render.aws;

/**
 * Where the value of one stack parameter comes from. The deployer resolves these in stack order;
 * the rendered parameters files show each as a literal or as a clearly marked placeholder.
 */
public sealed interface ParameterSource {
    /** What the parameters file shows for this value. */
    String display(StackPlan.Names names);

    /** A value known when rendering (it is not a secret: secrets never reach templates or parameters). */
    record Literal(String value) implements ParameterSource {
        @Override
        public String display(StackPlan.Names names) {
            return value;
        }
    }

    /** An output of a stack earlier in the plan, possibly in another region. */
    record StackOutput(String stackKey, String outputName) implements ParameterSource {
        @Override
        public String display(StackPlan.Names names) {
            return "{{tierlift:stack-output:" + names.stackName(stackKey) + ":" + outputName + "}}";
        }
    }

    /**
     * A value the deployer looks up or produces when it runs, e.g. the key of the release artifact
     * it uploaded. {@code name} is a stable identifier the deployer dispatches on.
     */
    record DeployTime(String name, String howToObtain) implements ParameterSource {
        public DeployTime {
            if (!name.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalArgumentException("deploy-time value names are lower-case words: " + name);
            }
        }

        @Override
        public String display(StackPlan.Names names) {
            return "{{tierlift:deploy-time:" + name + "}}";
        }
    }
}
