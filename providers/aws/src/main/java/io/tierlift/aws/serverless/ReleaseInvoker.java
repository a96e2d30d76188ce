package io.tierlift.aws.serverless;

/**
 * Runs the app's release command inside the deployed function (the adapter answers the event
 * {@code {"tierlift":"release-command"}}). An interface so tests can replace Lambda, which
 * emulators can't execute without containers.
 */
public interface ReleaseInvoker {
    ReleaseOutcome run(String region, String functionName);

    /**
     * What the command did. {@code exitCode} is the command's own; a function error (the adapter
     * itself failed) is reported with exit code -1 and Lambda's error text as output.
     */
    record ReleaseOutcome(int exitCode, String output, boolean timedOut) {
        public boolean succeeded() {
            return exitCode == 0 && !timedOut;
        }
    }
}
