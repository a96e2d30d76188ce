package io.tierlift.aws.iaas;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.render.aws.iaas.InstanceExec;
import io.tierlift.shell.ShellWords;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code exec} on aws-iaas: the command on one InService instance of the app's Auto Scaling group
 * through SSM Run Command ({@code AWS-RunShellScript}), its output sent to the app's log group as
 * well, so every exec stays recorded there: who (the caller as STS names it, and the local user),
 * when, on which instance and what, as the first line of the command's standard error. Run Command
 * has no terminal and no standard input: the command runs to its end, then its output is printed.
 */
public final class SsmExec {
    public static final String DOCUMENT = "AWS-RunShellScript";
    /** GetCommandInvocation returns at most this many characters of the command's standard output ... */
    public static final int STDOUT_LIMIT = 24_000;
    /** ... and of its standard error. */
    public static final int STDERR_LIMIT = 8_000;
    /** SendCommand's comment holds at most 100 characters. */
    static final int COMMENT_LIMIT = 100;
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");
    private static final List<String> TERMINAL = List.of("Success", "Failed", "Cancelled", "TimedOut");

    private final Function<String, SsmClient> ssm;
    private final Function<String, AutoScalingClient> autoScaling;
    private final Function<String, StsClient> sts;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration executionTimeout;
    private final AwsCalls ssmCalls = new AwsCalls("SSM");
    private final AwsCalls asgCalls = new AwsCalls("Auto Scaling");
    private final AwsCalls stsCalls = new AwsCalls("STS");

    /**
     * {@code executionTimeout}: how long the command may run on the instance (Run Command stops it
     * then); tierlift waits that long plus the time the agent may take to pick the command up.
     */
    public SsmExec(Function<String, SsmClient> ssm, Function<String, AutoScalingClient> autoScaling, Function<String, StsClient> sts,
                   Sleeper sleeper, Clock clock, Duration pollInterval, Duration executionTimeout) {
        this.ssm = ssm;
        this.autoScaling = autoScaling;
        this.sts = sts;
        this.sleeper = sleeper;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.executionTimeout = executionTimeout;
    }

    /** Where to run: the app, its region, Auto Scaling group and log group, and the instance asked for, if any. */
    public record Target(String app, String region, String autoScalingGroup, String logGroup, Optional<String> instance) {
    }

    /** What came back: the instance, the command's exit code and its output as Run Command kept it. */
    public record Result(String instanceId, String commandId, int exitCode, String stdout, String stderr) {
        public boolean stdoutCut() {
            return stdout.length() >= STDOUT_LIMIT;
        }

        public boolean stderrCut() {
            return stderr.length() >= STDERR_LIMIT;
        }

        /** The log streams Run Command wrote the whole output to. */
        public String logStream(String output) {
            return commandId + "/" + instanceId + "/aws-runShellScript/" + output;
        }
    }

    public Result run(Target target, String operator, List<String> command) {
        target.instance().ifPresent(id -> {
            if (!INSTANCE_ID.matcher(id).matches()) {
                throw new IaasDeployException("--host " + id + " is not an EC2 instance id (i- and 8 or 17 hexadecimal "
                        + "digits); aws-iaas runs exec on an instance of its Auto Scaling group, e.g. --host i-0123456789abcdef0");
            }
        });
        String instance = instance(target);
        String caller = stsCalls.call("GetCallerIdentity", () -> sts.apply(target.region()).getCallerIdentity().arn());
        String record = "tierlift exec at=" + clock.instant().truncatedTo(ChronoUnit.SECONDS) + " by=" + caller
                + " operator=" + printable(operator) + " instance=" + instance + " command=" + printable(ShellWords.join(command));
        String script = ShellWords.join(InstanceExec.argv(target.app(), record, command));
        String commandId = ssmCalls.call("SendCommand", () -> ssm.apply(target.region()).sendCommand(b -> b
                .documentName(DOCUMENT)
                .instanceIds(instance)
                .comment(comment(operator, caller))
                .parameters(Map.of("commands", List.of(script),
                        "executionTimeout", List.of(String.valueOf(executionTimeout.toSeconds()))))
                .cloudWatchOutputConfig(c -> c.cloudWatchOutputEnabled(true).cloudWatchLogGroupName(target.logGroup())))
                .command().commandId());
        GetCommandInvocationResponse done = waitForEnd(target.region(), commandId, instance);
        String status = done.statusAsString();
        if (!status.equals("Success") && !status.equals("Failed")) {
            throw new IaasDeployException("exec on " + instance + " ended with status " + status
                    + details(done) + " (command " + commandId + "): " + (status.equals("TimedOut")
                    ? "Run Command stops a command after " + executionTimeout.toSeconds() + " s, or when the instance's agent "
                    + "did not take it in time (is the instance managed by Systems Manager? see the aws-iaas guide)"
                    : "someone cancelled it") + "; what it wrote is in log group " + target.logGroup());
        }
        if (done.responseCode() == null || done.responseCode() < 0) {
            throw new IaasDeployException("exec on " + instance + " failed before the command ran" + details(done) + " (command "
                    + commandId + ")");
        }
        return new Result(instance, commandId, done.responseCode(), orEmpty(done.standardOutputContent()),
                withoutRecord(orEmpty(done.standardErrorContent()), record));
    }

    /** The instance asked for if it is InService in the app's group; else the group's first InService instance. */
    private String instance(Target target) {
        List<AutoScalingGroup> groups = asgCalls.call("DescribeAutoScalingGroups", () -> autoScaling.apply(target.region())
                .describeAutoScalingGroups(b -> b.autoScalingGroupNames(target.autoScalingGroup())).autoScalingGroups());
        if (groups.isEmpty()) {
            throw new IaasDeployException("Auto Scaling group " + target.autoScalingGroup() + " does not exist in " + target.region()
                    + ": deploy aws-iaas first (tierlift deploy aws-iaas)");
        }
        List<String> inService = groups.get(0).instances().stream().filter(i -> "InService".equals(i.lifecycleStateAsString()))
                .map(Instance::instanceId).sorted().toList();
        if (target.instance().isPresent()) {
            String asked = target.instance().get();
            if (!inService.contains(asked)) {
                throw new IaasDeployException("--host " + asked + " is not an InService instance of Auto Scaling group "
                        + target.autoScalingGroup() + " (" + (inService.isEmpty() ? "it has none" : "its InService instances: "
                        + String.join(", ", inService)) + "); nothing was run");
            }
            return asked;
        }
        if (inService.isEmpty()) {
            throw new IaasDeployException("Auto Scaling group " + target.autoScalingGroup() + " has no InService instance to run "
                    + "the command on; see tierlift status aws-iaas");
        }
        return inService.get(0);
    }

    /**
     * Polls until a terminal status. Right after SendCommand, GetCommandInvocation may answer
     * InvocationDoesNotExist for a moment: that is waited out like a pending invocation.
     */
    private GetCommandInvocationResponse waitForEnd(String region, String commandId, String instance) {
        Duration patience = executionTimeout.plus(Duration.ofMinutes(2));
        Instant deadline = clock.instant().plus(patience);
        String last = "not yet listed";
        while (true) {
            try {
                GetCommandInvocationResponse invocation = ssm.apply(region)
                        .getCommandInvocation(b -> b.commandId(commandId).instanceId(instance));
                if (TERMINAL.contains(invocation.statusAsString())) {
                    return invocation;
                }
                last = invocation.statusAsString();
            } catch (InvocationDoesNotExistException notYet) {
                last = "not yet listed";
            } catch (SdkException e) {
                throw AwsCallException.of("SSM", "GetCommandInvocation", e);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new IaasDeployException("exec on " + instance + ": command " + commandId + " still " + last + " after "
                        + patience.toSeconds() + " s; tierlift stopped waiting (the command may still run: aws ssm get-command-invocation --command-id "
                        + commandId + " --instance-id " + instance + ")");
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IaasDeployException("exec on " + instance + " interrupted while waiting for command " + commandId
                        + " (it may still run on the instance)");
            }
        }
    }

    private static String details(GetCommandInvocationResponse invocation) {
        String details = invocation.statusDetails();
        return details == null || details.isBlank() || details.equals(invocation.statusAsString()) ? "" : " (" + details + ")";
    }

    private static String comment(String operator, String caller) {
        String comment = "tierlift exec by " + printable(operator) + " as " + caller;
        return comment.length() <= COMMENT_LIMIT ? comment : comment.substring(0, COMMENT_LIMIT);
    }

    /** The record is for the log group; the operator reads only what the command wrote. */
    private static String withoutRecord(String stderr, String record) {
        String line = record + "\n";
        return stderr.startsWith(line) ? stderr.substring(line.length()) : stderr;
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    /** One log line per exec: control characters (a newline in an argument) are written as \xNN. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
