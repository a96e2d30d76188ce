package io.tierlift.aws.serverless;

/**
 * Runs the app's release command inside the deployed function (the adapter answers the event
 * {@code {"tierlift":"release-command"}}). An interface so tests can replace Lambda, which
 * emulators can't execute without containers.
 */
public interface ReleaseInvoker {
    ReleaseOutcome run(String region, String functionName);

    /**
     * Sets up the app's database role in the deployed function without running the release command
     * (the adapter answers the event {@code {"tierlift":"app-role"}}): a migration's provision, whose
     * copy brings the schema.
     */
    default ReleaseOutcome setUpAppRole(String region, String functionName) {
        throw new UnsupportedOperationException("this invoker runs the release command only");
    }

    /**
     * Runs {@code argv} in the function the way the release command runs (the adapter answers the
     * event {@code {"tierlift":"exec","argv":[...],"operator":NAME}} and logs who ran what).
     * {@code functionName} may carry a qualifier ({@code name:alias}).
     */
    default ReleaseOutcome exec(String region, String functionName, java.util.List<String> argv, String operator) {
        throw new UnsupportedOperationException("this invoker runs the release command only");
    }

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
