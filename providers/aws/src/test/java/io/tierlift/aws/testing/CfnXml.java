package io.tierlift.aws.testing;

import java.util.List;
import java.util.Map;

/**
 * CloudFormation Query-protocol responses in the shapes of the API reference's examples
 * (DescribeStacks, CreateChangeSet, DescribeChangeSet, DescribeStackEvents, errors), built per test.
 */
public final class CfnXml {
    public static final String NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/";
    public static final String ACCOUNT = "123456789012";

    private CfnXml() {
    }

    public static String stackId(String name) {
        return "arn:aws:cloudformation:us-east-1:" + ACCOUNT + ":stack/" + name + "/aaf549a0-a413-11df-adb3-5081b3858e83";
    }

    public static String changeSetId(String name) {
        return "arn:aws:cloudformation:us-east-1:" + ACCOUNT + ":changeSet/" + name + "/1a2345b6-0000-1111-2222-333344445555";
    }

    /** Wraps a result the way every Query response is wrapped. */
    public static String response(String action, String result) {
        return "<" + action + "Response xmlns=\"" + NS + "\">\n"
                + "  <" + action + "Result>\n" + result + "\n  </" + action + "Result>\n"
                + "  <ResponseMetadata><RequestId>b9b4b068-3a41-11e5-94eb-example</RequestId></ResponseMetadata>\n"
                + "</" + action + "Response>\n";
    }

    /** An action whose result is empty (ExecuteChangeSet, DeleteChangeSet, DeleteStack). */
    public static String empty(String action) {
        return "<" + action + "Response xmlns=\"" + NS + "\">\n"
                + "  <" + action + "Result/>\n"
                + "  <ResponseMetadata><RequestId>5ccc7dcd-744c-11e5-be70-example</RequestId></ResponseMetadata>\n"
                + "</" + action + "Response>\n";
    }

    public static String error(String type, String code, String message) {
        return "<ErrorResponse xmlns=\"" + NS + "\">\n"
                + "  <Error><Type>" + type + "</Type><Code>" + code + "</Code><Message>" + escape(message) + "</Message></Error>\n"
                + "  <RequestId>4af14eec-350e-11e4-b260-example</RequestId>\n"
                + "</ErrorResponse>\n";
    }

    public static String stackMissing(String name) {
        return error("Sender", "ValidationError", "Stack with id " + name + " does not exist");
    }

    public record StackXml(String name, String status, Map<String, String> parameters, Map<String, String> tags,
                           Map<String, String> outputs, boolean protection, String reason) {
        public static StackXml of(String name, String status) {
            return new StackXml(name, status, Map.of(), Map.of(), Map.of(), false, null);
        }

        public StackXml withParameters(Map<String, String> values) {
            return new StackXml(name, status, values, tags, outputs, protection, reason);
        }

        public StackXml withTags(Map<String, String> values) {
            return new StackXml(name, status, parameters, values, outputs, protection, reason);
        }

        public StackXml withOutputs(Map<String, String> values) {
            return new StackXml(name, status, parameters, tags, values, protection, reason);
        }

        public StackXml protectedStack() {
            return new StackXml(name, status, parameters, tags, outputs, true, reason);
        }

        public StackXml withReason(String value) {
            return new StackXml(name, status, parameters, tags, outputs, protection, value);
        }
    }

    public static String describeStacks(StackXml stack) {
        StringBuilder b = new StringBuilder("    <Stacks>\n      <member>\n");
        b.append("        <StackName>").append(stack.name()).append("</StackName>\n");
        b.append("        <StackId>").append(stackId(stack.name())).append("</StackId>\n");
        b.append("        <CreationTime>2026-11-20T22:28:28Z</CreationTime>\n");
        b.append("        <LastUpdatedTime>2026-11-21T08:00:00Z</LastUpdatedTime>\n");
        b.append("        <StackStatus>").append(stack.status()).append("</StackStatus>\n");
        if (stack.reason() != null) {
            b.append("        <StackStatusReason>").append(escape(stack.reason())).append("</StackStatusReason>\n");
        }
        b.append("        <DisableRollback>false</DisableRollback>\n");
        b.append("        <EnableTerminationProtection>").append(stack.protection()).append("</EnableTerminationProtection>\n");
        b.append("        <Parameters>\n");
        stack.parameters().forEach((k, v) -> b.append("          <member><ParameterKey>").append(k)
                .append("</ParameterKey><ParameterValue>").append(escape(v)).append("</ParameterValue></member>\n"));
        b.append("        </Parameters>\n        <Tags>\n");
        stack.tags().forEach((k, v) -> b.append("          <member><Key>").append(k).append("</Key><Value>")
                .append(escape(v)).append("</Value></member>\n"));
        b.append("        </Tags>\n        <Outputs>\n");
        stack.outputs().forEach((k, v) -> b.append("          <member><OutputKey>").append(k)
                .append("</OutputKey><OutputValue>").append(escape(v)).append("</OutputValue>"
                        + "<Description>").append(k).append("</Description></member>\n"));
        b.append("        </Outputs>\n      </member>\n    </Stacks>");
        return response("DescribeStacks", b.toString());
    }

    public static String createChangeSet(String stackName, String changeSetName) {
        return response("CreateChangeSet", "    <Id>" + changeSetId(changeSetName) + "</Id>\n"
                + "    <StackId>" + stackId(stackName) + "</StackId>");
    }

    public record ChangeXml(String action, String logicalId, String type, String replacement, List<String> scope,
                            List<String> detailAttributes) {
        public static ChangeXml add(String logicalId, String type) {
            return new ChangeXml("Add", logicalId, type, null, List.of(), List.of());
        }

        public static ChangeXml modify(String logicalId, String type, String replacement, String property) {
            return new ChangeXml("Modify", logicalId, type, replacement, List.of("Properties"), List.of(property));
        }

        public static ChangeXml remove(String logicalId, String type) {
            return new ChangeXml("Remove", logicalId, type, null, List.of(), List.of());
        }
    }

    public static String describeChangeSet(String stackName, String changeSetName, String status, String reason,
                                           List<ChangeXml> changes, String nextToken) {
        StringBuilder b = new StringBuilder();
        b.append("    <StackId>").append(stackId(stackName)).append("</StackId>\n");
        b.append("    <Status>").append(status).append("</Status>\n");
        if (reason != null) {
            b.append("    <StatusReason>").append(escape(reason)).append("</StatusReason>\n");
        }
        b.append("    <ExecutionStatus>").append("CREATE_COMPLETE".equals(status) ? "AVAILABLE" : "UNAVAILABLE")
                .append("</ExecutionStatus>\n");
        b.append("    <ChangeSetId>").append(changeSetId(changeSetName)).append("</ChangeSetId>\n");
        b.append("    <StackName>").append(stackName).append("</StackName>\n");
        b.append("    <ChangeSetName>").append(changeSetName).append("</ChangeSetName>\n");
        b.append("    <NotificationARNs/>\n    <CreationTime>2026-11-21T09:35:25.813Z</CreationTime>\n    <Capabilities/>\n");
        b.append("    <Changes>\n");
        for (ChangeXml c : changes) {
            b.append("      <member>\n        <Type>Resource</Type>\n        <ResourceChange>\n");
            b.append("          <Action>").append(c.action()).append("</Action>\n");
            b.append("          <LogicalResourceId>").append(c.logicalId()).append("</LogicalResourceId>\n");
            if (!c.action().equals("Add")) {
                b.append("          <PhysicalResourceId>").append(c.logicalId().toLowerCase()).append("-1a2b3c</PhysicalResourceId>\n");
            }
            b.append("          <ResourceType>").append(c.type()).append("</ResourceType>\n");
            if (c.replacement() != null) {
                b.append("          <Replacement>").append(c.replacement()).append("</Replacement>\n");
            }
            b.append("          <Scope>\n");
            c.scope().forEach(s -> b.append("            <member>").append(s).append("</member>\n"));
            b.append("          </Scope>\n          <Details>\n");
            for (String attribute : c.detailAttributes()) {
                String recreation = "True".equals(c.replacement()) ? "Always" : "Never";
                b.append("            <member>\n              <Evaluation>Static</Evaluation>\n"
                        + "              <ChangeSource>DirectModification</ChangeSource>\n"
                        + "              <Target><Attribute>Properties</Attribute><Name>").append(attribute)
                        .append("</Name><RequiresRecreation>").append(recreation)
                        .append("</RequiresRecreation></Target>\n            </member>\n");
            }
            b.append("          </Details>\n        </ResourceChange>\n      </member>\n");
        }
        b.append("    </Changes>");
        if (nextToken != null) {
            b.append("\n    <NextToken>").append(nextToken).append("</NextToken>");
        }
        return response("DescribeChangeSet", b.toString());
    }

    public record EventXml(String id, String time, String logicalId, String type, String status, String reason) {
        public static EventXml of(String id, String time, String logicalId, String type, String status) {
            return new EventXml(id, time, logicalId, type, status, null);
        }

        public EventXml because(String value) {
            return new EventXml(id, time, logicalId, type, status, value);
        }
    }

    /** Events newest first, as AWS lists them. */
    public static String describeStackEvents(String stackName, String nextToken, EventXml... events) {
        StringBuilder b = new StringBuilder("    <StackEvents>\n");
        for (EventXml e : events) {
            b.append("      <member>\n");
            b.append("        <EventId>").append(e.id()).append("</EventId>\n");
            b.append("        <StackId>").append(stackId(stackName)).append("</StackId>\n");
            b.append("        <StackName>").append(stackName).append("</StackName>\n");
            b.append("        <LogicalResourceId>").append(e.logicalId()).append("</LogicalResourceId>\n");
            b.append("        <PhysicalResourceId>").append(e.logicalId().equals(stackName) ? stackId(stackName)
                    : e.logicalId().toLowerCase() + "-1a2b3c").append("</PhysicalResourceId>\n");
            b.append("        <ResourceType>").append(e.type()).append("</ResourceType>\n");
            b.append("        <Timestamp>").append(e.time()).append("</Timestamp>\n");
            b.append("        <ResourceStatus>").append(e.status()).append("</ResourceStatus>\n");
            if (e.reason() != null) {
                b.append("        <ResourceStatusReason>").append(escape(e.reason())).append("</ResourceStatusReason>\n");
            }
            b.append("      </member>\n");
        }
        b.append("    </StackEvents>");
        if (nextToken != null) {
            b.append("\n    <NextToken>").append(nextToken).append("</NextToken>");
        }
        return response("DescribeStackEvents", b.toString());
    }

    public static String getTemplate(String body) {
        return response("GetTemplate", "    <TemplateBody>" + escape(body) + "</TemplateBody>\n"
                + "    <StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>");
    }

    public static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
