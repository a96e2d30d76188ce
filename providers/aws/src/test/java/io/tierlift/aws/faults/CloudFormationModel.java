package io.tierlift.aws.faults;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tierlift.aws.testing.CfnXml;
import io.tierlift.aws.testing.CfnXml.ChangeXml;
import io.tierlift.aws.testing.CfnXml.EventXml;
import io.tierlift.aws.testing.CfnXml.StackXml;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One CloudFormation stack as AWS keeps it, answering the Query protocol inside WireMock. Fault
 * stubs that stand for "AWS did the work but the answer was lost" (reset, empty response, too slow)
 * run through this model too, so a retried CreateChangeSet or ExecuteChangeSet meets the state
 * the first attempt left behind, as it would on AWS: the idempotency tokens decide whether a
 * repeat is the same request or a conflicting second one.
 */
final class CloudFormationModel implements ResponseDefinitionTransformerV2 {
    static final String NAME = "cloudformation-model";
    static final String STACK_TYPE = "AWS::CloudFormation::Stack";
    /** DescribeStacks calls a running operation takes to finish: the deployer must poll at least twice. */
    private static final int TICKS = 2;

    private static final class Stack {
        String status;
        String reason;
        String template = "";
        Map<String, String> parameters = new TreeMap<>();
        Map<String, String> tags = new TreeMap<>();
        Map<String, String> outputs = new TreeMap<>();
        int ticks;
        String deleteToken;
    }

    private static final class ChangeSet {
        String name;
        String type;
        String token;
        String template;
        Map<String, String> parameters;
        Map<String, String> tags;
        int describes;
        boolean executed;
        String executeToken;
    }

    private final String stackName;
    private Stack stack;
    private boolean deletedOnce;
    private final Map<String, ChangeSet> changeSets = new LinkedHashMap<>();
    /** Newest first, as AWS lists them. */
    private final List<EventXml> events = new ArrayList<>();
    private int eventSeq;
    private int stacksCreated;
    private int stacksCreatedThisRun;
    private int executions;
    private int executionsThisRun;
    private final List<String> conflicts = new ArrayList<>();

    CloudFormationModel(String stackName) {
        this.stackName = stackName;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Forgets everything: the next scenario starts from an account without the stack. */
    synchronized void reset() {
        stack = null;
        deletedOnce = false;
        changeSets.clear();
        events.clear();
        eventSeq = 0;
        stacksCreated = 0;
        stacksCreatedThisRun = 0;
        executions = 0;
        executionsThisRun = 0;
        conflicts.clear();
    }

    /** A stack left by a failed first create, as the next deploy finds it. */
    synchronized void seedRolledBack(String template) {
        stack = new Stack();
        stack.status = "ROLLBACK_COMPLETE";
        stack.reason = "The following resource(s) failed to create: [Bucket]. Rollback requested by user.";
        stack.template = template;
        stacksCreated = 1;
        event(stackName, STACK_TYPE, "ROLLBACK_COMPLETE");
    }

    /** Starts counting a new deploy run. */
    synchronized void newRun() {
        stacksCreatedThisRun = 0;
        executionsThisRun = 0;
    }

    synchronized int executionsThisRun() {
        return executionsThisRun;
    }

    synchronized int executions() {
        return executions;
    }

    synchronized int stacksCreatedThisRun() {
        return stacksCreatedThisRun;
    }

    synchronized int stacksCreated() {
        return stacksCreated;
    }

    synchronized String stackStatus() {
        return stack == null ? "ABSENT" : stack.status;
    }

    synchronized int changeSetCount() {
        return changeSets.size();
    }

    /** Requests AWS would have refused as a second attempt at something already done: the duplicates we must never send. */
    synchronized List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent serveEvent) {
        Map<String, String> form = form(serveEvent.getRequest().getBodyAsString());
        Reply reply = handle(form);
        return ResponseDefinitionBuilder.like(serveEvent.getResponseDefinition()).but()
                .withStatus(reply.status())
                .withHeader("Content-Type", "text/xml")
                .withBody(reply.xml())
                .build();
    }

    private record Reply(int status, String xml) {
        static Reply ok(String xml) {
            return new Reply(200, xml);
        }

        static Reply error(String code, String message) {
            return new Reply(400, CfnXml.error("Sender", code, message));
        }
    }

    private Reply handle(Map<String, String> form) {
        String action = form.getOrDefault("Action", "");
        return switch (action) {
            case "DescribeStacks" -> describeStacks(form.get("StackName"));
            case "GetTemplate" -> stack == null ? missing(form.get("StackName"))
                    : Reply.ok(CfnXml.getTemplate(stack.template));
            case "CreateChangeSet" -> createChangeSet(form);
            case "DescribeChangeSet" -> describeChangeSet(form.get("ChangeSetName"));
            case "ExecuteChangeSet" -> executeChangeSet(form.get("ChangeSetName"), form.get("ClientRequestToken"));
            case "DescribeStackEvents" -> stack == null && !deletedOnce ? missing(form.get("StackName"))
                    : Reply.ok(CfnXml.describeStackEvents(stackName, null, events.toArray(EventXml[]::new)));
            case "DeleteChangeSet" -> deleteChangeSet(form.get("ChangeSetName"));
            case "DeleteStack" -> deleteStack(form.get("ClientRequestToken"));
            default -> Reply.error("InvalidAction", "the model does not know " + action);
        };
    }

    private Reply missing(String name) {
        return new Reply(400, CfnXml.stackMissing(name));
    }

    private boolean isOurs(String nameOrId) {
        return stackName.equals(nameOrId) || CfnXml.stackId(stackName).equals(nameOrId);
    }

    private Reply describeStacks(String nameOrId) {
        if (!isOurs(nameOrId)) {
            return missing(nameOrId);
        }
        if (stack == null) {
            // AWS still finds a deleted stack by its id, not by its name.
            return deletedOnce && nameOrId.startsWith("arn:")
                    ? Reply.ok(CfnXml.describeStacks(StackXml.of(stackName, "DELETE_COMPLETE"))) : missing(nameOrId);
        }
        advance();
        if (stack == null) {
            return Reply.ok(CfnXml.describeStacks(StackXml.of(stackName, "DELETE_COMPLETE")));
        }
        StackXml xml = StackXml.of(stackName, stack.status).withParameters(stack.parameters).withTags(stack.tags)
                .withOutputs(stack.outputs);
        return Reply.ok(CfnXml.describeStacks(stack.reason == null ? xml : xml.withReason(stack.reason)));
    }

    /** A running operation moves on each time someone looks. */
    private void advance() {
        if (!stack.status.endsWith("_IN_PROGRESS") || stack.status.equals("REVIEW_IN_PROGRESS")) {
            return;
        }
        if (--stack.ticks > 0) {
            return;
        }
        switch (stack.status) {
            case "CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS" -> {
                String done = stack.status.replace("_IN_PROGRESS", "_COMPLETE");
                event("Bucket", "AWS::S3::Bucket", done.startsWith("CREATE") ? "CREATE_COMPLETE" : "UPDATE_COMPLETE");
                event(stackName, STACK_TYPE, done);
                stack.status = done;
                stack.outputs = Map.of("BucketName", "notes-site-1a2b");
            }
            case "DELETE_IN_PROGRESS" -> {
                event("Bucket", "AWS::S3::Bucket", "DELETE_COMPLETE");
                event(stackName, STACK_TYPE, "DELETE_COMPLETE");
                gone();
            }
            default -> {
            }
        }
    }

    private void gone() {
        stack = null;
        deletedOnce = true;
        changeSets.clear();   // deleting a stack deletes its change sets
    }

    private Reply createChangeSet(Map<String, String> form) {
        String name = form.get("ChangeSetName");
        String type = form.getOrDefault("ChangeSetType", "UPDATE");
        String token = form.get("ClientToken");
        ChangeSet existing = changeSets.get(name);
        if (existing != null) {
            if (token != null && token.equals(existing.token)) {
                return Reply.ok(CfnXml.createChangeSet(stackName, name));
            }
            return conflict("AlreadyExistsException", "ChangeSet " + name + " already exists");
        }
        if ("CREATE".equals(type)) {
            if (stack != null && !stack.status.equals("REVIEW_IN_PROGRESS")) {
                return conflict("ValidationError", "Stack [" + stackName + "] already exists and cannot be created "
                        + "again with the changeSet [" + name + "].");
            }
            if (stack == null) {
                stack = new Stack();
                stack.status = "REVIEW_IN_PROGRESS";
                stacksCreated++;
                stacksCreatedThisRun++;
                event(stackName, STACK_TYPE, "REVIEW_IN_PROGRESS");
            }
        } else if (stack == null) {
            return Reply.error("ValidationError", "Stack [" + stackName + "] does not exist");
        }
        ChangeSet cs = new ChangeSet();
        cs.name = name;
        cs.type = type;
        cs.token = token;
        cs.template = form.getOrDefault("TemplateBody", "");
        cs.parameters = members(form, "Parameters", "ParameterKey", "ParameterValue");
        cs.tags = members(form, "Tags", "Key", "Value");
        changeSets.put(name, cs);
        return Reply.ok(CfnXml.createChangeSet(stackName, name));
    }

    private ChangeSet find(String nameOrId) {
        for (ChangeSet cs : changeSets.values()) {
            if (cs.name.equals(nameOrId) || CfnXml.changeSetId(cs.name).equals(nameOrId)) {
                return cs;
            }
        }
        return null;
    }

    private Reply describeChangeSet(String nameOrId) {
        ChangeSet cs = find(nameOrId);
        if (cs == null) {
            return Reply.error("ChangeSetNotFound", "ChangeSet [" + nameOrId + "] does not exist");
        }
        // Computed asynchronously on AWS: the first look finds it pending.
        if (cs.describes++ == 0) {
            return Reply.ok(CfnXml.describeChangeSet(stackName, cs.name, "CREATE_PENDING", null, List.of(), null));
        }
        boolean same = "UPDATE".equals(cs.type) && stack != null && cs.template.equals(stack.template)
                && cs.parameters.equals(stack.parameters);
        if (same) {
            return Reply.ok(CfnXml.describeChangeSet(stackName, cs.name, "FAILED",
                    "The submitted information didn't contain changes. Submit different information to create a change set.",
                    List.of(), null));
        }
        ChangeXml change = "CREATE".equals(cs.type) ? ChangeXml.add("Bucket", "AWS::S3::Bucket")
                : ChangeXml.modify("Bucket", "AWS::S3::Bucket", "False", "Tags");
        return Reply.ok(CfnXml.describeChangeSet(stackName, cs.name, "CREATE_COMPLETE", null, List.of(change), null));
    }

    private Reply executeChangeSet(String nameOrId, String token) {
        ChangeSet cs = find(nameOrId);
        if (cs == null) {
            return Reply.error("ChangeSetNotFound", "ChangeSet [" + nameOrId + "] does not exist");
        }
        if (cs.executed) {
            if (token != null && token.equals(cs.executeToken)) {
                return Reply.ok(CfnXml.empty("ExecuteChangeSet"));
            }
            return conflict("InvalidChangeSetStatus", "ChangeSet [" + nameOrId + "] cannot be executed in its current "
                    + "execution status of [EXECUTE_COMPLETE]");
        }
        if (cs.describes < 2 || stack == null) {
            return conflict("InvalidChangeSetStatus", "ChangeSet [" + nameOrId + "] is not available for execution");
        }
        cs.executed = true;
        cs.executeToken = token;
        executions++;
        executionsThisRun++;
        boolean create = stack.status.equals("REVIEW_IN_PROGRESS");
        stack.status = create ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
        stack.template = cs.template;
        stack.parameters = cs.parameters;
        stack.tags = cs.tags;
        stack.ticks = TICKS;
        event(stackName, STACK_TYPE, stack.status);
        event("Bucket", "AWS::S3::Bucket", create ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS");
        // Executing one change set makes the stack's other change sets obsolete; AWS deletes them.
        changeSets.values().removeIf(other -> other != cs);
        return Reply.ok(CfnXml.empty("ExecuteChangeSet"));
    }

    private Reply deleteChangeSet(String nameOrId) {
        ChangeSet cs = find(nameOrId);
        if (cs == null) {
            return Reply.error("ChangeSetNotFound", "ChangeSet [" + nameOrId + "] does not exist");
        }
        changeSets.remove(cs.name);
        return Reply.ok(CfnXml.empty("DeleteChangeSet"));
    }

    private Reply deleteStack(String token) {
        if (stack == null) {
            return Reply.ok(CfnXml.empty("DeleteStack"));   // AWS answers success for a stack that is already gone
        }
        if (stack.status.equals("DELETE_IN_PROGRESS")) {
            if (token != null && !token.equals(stack.deleteToken)) {
                return conflict("TokenAlreadyInUseException", "another DeleteStack is already running on " + stackName);
            }
            return Reply.ok(CfnXml.empty("DeleteStack"));
        }
        if (stack.status.equals("REVIEW_IN_PROGRESS")) {
            gone();   // nothing was created: the empty stack vanishes at once
            return Reply.ok(CfnXml.empty("DeleteStack"));
        }
        stack.status = "DELETE_IN_PROGRESS";
        stack.reason = null;
        stack.deleteToken = token;
        stack.ticks = TICKS;
        event(stackName, STACK_TYPE, "DELETE_IN_PROGRESS");
        return Reply.ok(CfnXml.empty("DeleteStack"));
    }

    private Reply conflict(String code, String message) {
        conflicts.add(code + ": " + message);
        return Reply.error(code, message);
    }

    private void event(String logicalId, String type, String status) {
        eventSeq++;
        events.add(0, EventXml.of("ev-" + eventSeq, String.format("2026-11-21T09:%02d:%02dZ", eventSeq / 60 % 60, eventSeq % 60),
                logicalId, type, status));
    }

    /** Query lists: Parameters.member.1.ParameterKey=Env&Parameters.member.1.ParameterValue=prod */
    private static Map<String, String> members(Map<String, String> form, String list, String key, String value) {
        Map<String, String> out = new TreeMap<>();
        for (int i = 1; form.containsKey(list + ".member." + i + "." + key); i++) {
            out.put(form.get(list + ".member." + i + "." + key), form.getOrDefault(list + ".member." + i + "." + value, ""));
        }
        return out;
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String field : body.split("&")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(field.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(field.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
