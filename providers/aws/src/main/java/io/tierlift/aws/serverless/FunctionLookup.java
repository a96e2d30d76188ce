package io.tierlift.aws.serverless;

import java.util.Optional;

/** The deployed function's state, for status; an interface so the deployer can be tested without Lambda. */
public interface FunctionLookup {
    Optional<ServerlessStatus.FunctionState> describe(String region, String functionName);
}
