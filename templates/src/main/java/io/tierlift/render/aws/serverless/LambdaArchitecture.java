package io.tierlift.render.aws.serverless;

import io.tierlift.tier.TierFailure;
import java.util.Arrays;

/** A Lambda CPU architecture: Lambda's name for it and the machine name wheels are tagged with. */
public enum LambdaArchitecture {
    X86_64("x86_64", "x86_64"),
    ARM64("arm64", "aarch64");

    private final String lambdaName;
    private final String machine;

    LambdaArchitecture(String lambdaName, String machine) {
        this.lambdaName = lambdaName;
        this.machine = machine;
    }

    /** As {@code Architectures} of a function and {@code lambda.architecture} of the descriptor name it. */
    public String lambdaName() {
        return lambdaName;
    }

    /** As manylinux wheel tags name it. */
    public String machine() {
        return machine;
    }

    public static LambdaArchitecture of(String lambdaName) {
        return Arrays.stream(values()).filter(a -> a.lambdaName.equals(lambdaName)).findFirst()
                .orElseThrow(() -> new TierFailure("lambda.architecture: unknown architecture " + lambdaName));
    }
}
