package io.tierlift.render.aws.cfn;

import java.util.Optional;

/**
 * A template parameter. tierlift bakes descriptor values into templates; parameters carry only
 * what is known at deploy time (release key, other stacks' outputs, region-specific ids).
 */
public record CfnParameter(String type, String description, Optional<String> defaultValue,
                           Optional<String> allowedPattern, Optional<String> constraintDescription) {
    public static CfnParameter of(String type, String description) {
        return new CfnParameter(type, description, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static CfnParameter string(String description) {
        return of("String", description);
    }

    public CfnParameter withDefault(String value) {
        return new CfnParameter(type, description, Optional.of(value), allowedPattern, constraintDescription);
    }

    public CfnParameter withPattern(String pattern, String explanation) {
        return new CfnParameter(type, description, defaultValue, Optional.of(pattern), Optional.of(explanation));
    }
}
