package io.tierlift.aws.serverless.migrate;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.serverless.MaintenanceHold;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
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
 * <p>The variable is not in the CloudFormation template. A deploy during maintenance reads the switch
 * first ({@link #hold}), and once the new version may serve, publishes a maintenance version of it and
 * has the api stack point the alias straight there (its AliasVersion parameter): the alias moves once,
 * and requests never reach the new code while maintenance is on.
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
            pointAlias(client, functionName, alias, publishMaintenanceVersion(client, functionName, scope, servingVersion));
        } else {
            progress.step(scope, "turning maintenance off");
            pointAlias(client, functionName, alias, servingVersion);
            setVariable(client, functionName, scope, false);
        }
        progress.step(scope, "maintenance " + (on ? "on" : "off"));
        return true;
    }

    /**
     * What a deploy needs to keep maintenance as it is: the version {@code alias} points at and whether
     * it has maintenance on, read now; with maintenance on, the deploy clears the switch from $LATEST
     * before the stacks publish and publishes a maintenance version of the new code for the alias.
     */
    public MaintenanceHold hold(String region, String functionName, String alias) {
        LambdaClient client = lambda.apply(region);
        String scope = "lambda " + functionName;
        String pointsAt = aws.call("GetAlias", () -> client.getAlias(b -> b.functionName(functionName).name(alias))).functionVersion();
        boolean on = isOn(region, functionName, alias);
        return new MaintenanceHold() {
            @Override
            public Optional<String> aliasVersion() {
                return Optional.of(pointsAt);
            }

            @Override
            public boolean on() {
                return on;
            }

            @Override
            public void clearUnpublished() {
                setVariable(client, functionName, scope, false);
            }

            @Override
            public String publishMaintenanceVersion(String servingVersion) {
                progress.step(scope, "publishing version " + servingVersion + "'s code with maintenance on, for alias " + alias);
                return LambdaMaintenanceSwitch.this.publishMaintenanceVersion(client, functionName, scope, servingVersion);
            }
        };
    }

    /** $LATEST with the switch on, published; the alias does not move. */
    private String publishMaintenanceVersion(LambdaClient client, String functionName, String scope, String servingVersion) {
        setVariable(client, functionName, scope, true);
        return aws.call("PublishVersion", () -> client.publishVersion(b -> b.functionName(functionName)
                .description("tierlift maintenance; serving version " + servingVersion + " outside it"))).version();
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
