package io.tierlift.aws.serverless.migrate;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The aws-serverless tier's maintenance switch: the variable TIERLIFT_MAINTENANCE=on in the
 * function's environment, which the adapter (tierlift_lambda.py) answers with 503 and the
 * maintenance page for every HTTP request. Set with UpdateFunctionConfiguration, which replaces
 * the whole environment: the other variables are read first and sent back unchanged, and the
 * read's RevisionId makes Lambda refuse the update if anyone changed the function in between.
 *
 * <p>Lambda applies a configuration change to new invocations once LastUpdateStatus is
 * Successful; the switch waits for that, so "on" means no request reaches the app any more.
 * The variable is not in the CloudFormation template: a deploy that updates the function while
 * maintenance is on turns it off again (CloudFormation writes the template's environment).
 */
public final class LambdaMaintenanceSwitch {
    public static final String VARIABLE = "TIERLIFT_MAINTENANCE";
    public static final String ON = "on";

    private final Function<String, LambdaClient> lambda;
    private final Progress progress;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration timeout;
    private final AwsCalls aws = new AwsCalls("Lambda");

    public LambdaMaintenanceSwitch(Function<String, LambdaClient> lambda, Progress progress, Sleeper sleeper, Clock clock,
                                   Duration pollInterval, Duration timeout) {
        this.lambda = lambda;
        this.progress = progress;
        this.sleeper = sleeper;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    /** Turns maintenance on or off; false when the function already was in that state (no update sent). */
    public boolean set(String region, String functionName, boolean on) {
        LambdaClient client = lambda.apply(region);
        String scope = "lambda " + functionName;
        // An update while another is in progress fails with ResourceConflictException.
        GetFunctionConfigurationResponse current = awaitSettled(client, functionName, scope);
        Map<String, String> variables = new TreeMap<>(current.environment() == null || current.environment().variables() == null
                ? Map.of() : current.environment().variables());
        boolean isOn = ON.equals(variables.get(VARIABLE));
        if (isOn == on) {
            progress.step(scope, "maintenance already " + (on ? "on" : "off"));
            return false;
        }
        if (on) {
            variables.put(VARIABLE, ON);
        } else {
            variables.remove(VARIABLE);
        }
        progress.step(scope, "turning maintenance " + (on ? "on (every request gets 503 and the maintenance page)" : "off"));
        aws.call("UpdateFunctionConfiguration", () -> client.updateFunctionConfiguration(b -> b
                .functionName(functionName)
                .revisionId(current.revisionId())
                .environment(e -> e.variables(variables))));
        GetFunctionConfigurationResponse after = awaitSettled(client, functionName, scope);
        if (after.lastUpdateStatus() == LastUpdateStatus.FAILED) {
            throw new MaintenanceSwitchException("Lambda could not apply the maintenance switch to " + functionName + ": "
                    + after.lastUpdateStatusReason());
        }
        progress.step(scope, "maintenance " + (on ? "on" : "off"));
        return true;
    }

    /** Whether maintenance is on now. */
    public boolean isOn(String region, String functionName) {
        GetFunctionConfigurationResponse config = aws.call("GetFunctionConfiguration", () -> lambda.apply(region)
                .getFunctionConfiguration(b -> b.functionName(functionName)));
        return config.environment() != null && config.environment().variables() != null
                && ON.equals(config.environment().variables().get(VARIABLE));
    }

    private GetFunctionConfigurationResponse awaitSettled(LambdaClient client, String functionName, String scope) {
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            GetFunctionConfigurationResponse config = aws.call("GetFunctionConfiguration", () -> client.getFunctionConfiguration(b -> b
                    .functionName(functionName)));
            if (config.lastUpdateStatus() != LastUpdateStatus.IN_PROGRESS) {
                return config;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new MaintenanceSwitchException("function " + functionName + " is still being updated after "
                        + timeout.toSeconds() + " s (LastUpdateStatus InProgress); try again once it is Successful");
            }
            progress.step(scope, "waiting for the function's update to finish");
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MaintenanceSwitchException("interrupted while waiting for function " + functionName);
            }
        }
    }
}
