package io.tierlift.cli.e2e;

import io.tierlift.aws.serverless.ReleaseInvoker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the Lambda invocations moto cannot run: answers the release command with
 * {@code output} and the app-role setup with nothing, and records which of the two each
 * invocation asked for, in order.
 */
final class AnsweringReleaseInvoker implements ReleaseInvoker {
    static final String RELEASE_COMMAND = "release-command";
    static final String APP_ROLE = "app-role";

    private final String output;
    private final List<String> asked = new CopyOnWriteArrayList<>();

    AnsweringReleaseInvoker(String output) {
        this.output = output;
    }

    @Override
    public ReleaseOutcome run(String region, String functionName) {
        asked.add(RELEASE_COMMAND);
        return new ReleaseOutcome(0, output, false);
    }

    @Override
    public ReleaseOutcome setUpAppRole(String region, String functionName) {
        asked.add(APP_ROLE);
        return new ReleaseOutcome(0, "", false);
    }

    /** What each invocation so far asked for: {@link #RELEASE_COMMAND} or {@link #APP_ROLE}. */
    List<String> asked() {
        return List.copyOf(asked);
    }
}
