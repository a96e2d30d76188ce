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
 * environment of the version the alias API Gateway invokes serves, which the adapter
 * (tierlift_lambda.py) answers with 503 and the maintenance page for every HTTP request.
 *
 * <p>A published version's configuration never changes, so "on" sets the variable on the function
 * ($LATEST) with UpdateFunctionConfiguration, publishes that as a version and points the alias at it;
 * "off" points the alias back at the version the api stack says it serves and removes the variable
 * from $LATEST again. UpdateFunctionConfiguration replaces the whole environment: the other variables
 * are read first and sent back unchanged, and the read's RevisionId makes Lambda refuse the update if
 * anyone changed the function in between. Lambda applies a configuration change once
 * LastUpdateStatus is Successful; the switch waits for that before publishing.
 *
 * <p>Neither the variable nor the maintenance version is in the CloudFormation template: a deploy that
 * moves the alias to a new version while maintenance is on would leave it off, so the deploy reads the
 * switch first and turns it on again for the new version.
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

    /**
     * Turns maintenance on or off for what {@code alias} serves; false when it already was in that state
     * (nothing sent). {@code servingVersion}: the version the alias serves outside maintenance (the api
     * stack's record), where "off" points it back.
     */
    public boolean set(String region, String functionName, String alias, String servingVersion, boolean on) {
        LambdaClient client = lambda.apply(region);
        String scope = "lambda " + functionName;
        if (isOn(region, functionName, alias) == on) {
            progress.step(scope, "maintenance already " + (on ? "on" : "off"));
            return false;
        }
        if (on) {
            progress.step(scope, "turning maintenance on (every request gets 503 and the maintenance page)");
            setVariable(client, functionName, scope, true);
            String version = aws.call("PublishVersion", () -> client.publishVersion(b -> b.functionName(functionName)
                    .description("tierlift maintenance; serving version " + servingVersion + " outside it"))).version();
            pointAlias(client, functionName, alias, version);
        } else {
            progress.step(scope, "turning maintenance off");
            pointAlias(client, functionName, alias, servingVersion);
            setVariable(client, functionName, scope, false);
        }
        progress.step(scope, "maintenance " + (on ? "on" : "off"));
        return true;
    }

    /** Whether the version {@code alias} serves has maintenance on. */
    public boolean isOn(String region, String functionName, String alias) {
        GetFunctionConfigurationResponse config = aws.call("GetFunctionConfiguration", () -> lambda.apply(region)
                .getFunctionConfiguration(b -> b.functionName(functionName).qualifier(alias)));
        return config.environment() != null && config.environment().variables() != null
                && ON.equals(config.environment().variables().get(VARIABLE));
    }

    private void pointAlias(LambdaClient client, String functionName, String alias, String version) {
        aws.call("UpdateAlias", () -> client.updateAlias(b -> b.functionName(functionName).name(alias).functionVersion(version)));
    }

    /** Sets or removes the variable on $LATEST (when it is not so already) and waits until Lambda applied it. */
    private void setVariable(LambdaClient client, String functionName, String scope, boolean on) {
        // An update while another is in progress fails with ResourceConflictException.
        GetFunctionConfigurationResponse current = awaitSettled(client, functionName, scope);
        Map<String, String> variables = new TreeMap<>(current.environment() == null || current.environment().variables() == null
                ? Map.of() : current.environment().variables());
        if (ON.equals(variables.get(VARIABLE)) == on) {
            return;
        }
        if (on) {
            variables.put(VARIABLE, ON);
        } else {
            variables.remove(VARIABLE);
        }
        aws.call("UpdateFunctionConfiguration", () -> client.updateFunctionConfiguration(b -> b
                .functionName(functionName)
                .revisionId(current.revisionId())
                .environment(e -> e.variables(variables))));
        GetFunctionConfigurationResponse after = awaitSettled(client, functionName, scope);
        if (after.lastUpdateStatus() == LastUpdateStatus.FAILED) {
            throw new MaintenanceSwitchException("Lambda could not apply the maintenance switch to " + functionName + ": "
                    + after.lastUpdateStatusReason());
        }
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
