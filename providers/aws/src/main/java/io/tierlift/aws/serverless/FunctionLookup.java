package io.tierlift.aws.serverless;

import java.util.List;
import java.util.Optional;

/** The deployed function's state, for status; an interface so the deployer can be tested without Lambda. */
public interface FunctionLookup {
    Optional<ServerlessStatus.FunctionState> describe(String region, String functionName);

    /** The function's published versions (not $LATEST), in any order. */
    List<PublishedVersion> versions(String region, String functionName);

    /** One published version: its number, when it was published and its code ({@code CodeSha256}, base64). */
    record PublishedVersion(String version, String lastModified, String codeSha256) {
    }
}
