package io.tierlift.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.CreateStackRequest;
import software.amazon.awssdk.services.cloudformation.model.CreateStackResponse;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackRequest;
import software.amazon.awssdk.services.cloudformation.model.DeleteStackResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackEventsResponse;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackResourcesRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStackResourcesResponse;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksRequest;
import software.amazon.awssdk.services.cloudformation.model.DescribeStacksResponse;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateRequest;
import software.amazon.awssdk.services.cloudformation.model.GetTemplateResponse;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.UpdateTerminationProtectionRequest;
import software.amazon.awssdk.services.cloudformation.model.UpdateTerminationProtectionResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudFormation in memory, just enough for the deployer: CreateStack completes at once with an
 * output "STACK:KEY" for every Output of the template; DeleteStack removes the stack; every call is
 * written to a shared journal so tests can check the order of calls across services.
 */
final class FakeCloudFormation implements CloudFormationClient {
    final Map<String, Stack> stacks = new LinkedHashMap<>();
    final Map<String, Map<String, String>> createdParameters = new LinkedHashMap<>();
    final Map<String, Map<String, String>> createdTags = new LinkedHashMap<>();
    /** The template each CreateStack gave, by stack name: GetTemplate answers it, so an unchanged redeploy needs no change set. */
    final Map<String, String> templates = new LinkedHashMap<>();
    /** Resource types by logical id, per stack, from the created templates; physical ids are "STACK:LOGICALID". */
    final Map<String, Map<String, String>> resources = new LinkedHashMap<>();
    final List<String> journal;
    /** When set, UpdateTerminationProtection fails with this HTTP status (moto answers 500). */
    Integer terminationProtectionFailure;
    /** When true, DeleteStack on a protected stack is refused, as AWS does. */
    boolean enforceTerminationProtection = true;

    FakeCloudFormation(List<String> journal) {
        this.journal = journal;
    }

    /** Stacks whose next create rolls back (ROLLBACK_COMPLETE), as AWS leaves a failed create. */
    final java.util.Set<String> failCreateOf = new java.util.HashSet<>();
    /** The stack policy each CreateStack gave, by stack name (absent: none). */
    final Map<String, String> createdStackPolicies = new LinkedHashMap<>();
    /** Whether each CreateStack asked for termination protection, by stack name. */
    final Map<String, Boolean> createdProtected = new LinkedHashMap<>();

    /** A stack as a previous deploy left it. */
    void existing(String name, boolean protectedStack, Map<String, String> outputs) {
        stacks.put(name, stack(name, "CREATE_COMPLETE", protectedStack, outputs, Map.of()));
    }

    @Override
    public CreateStackResponse createStack(CreateStackRequest request) {
        journal.add("cfn:CreateStack " + request.stackName());
        Map<String, String> parameters = new TreeMap<>();
        request.parameters().forEach(p -> parameters.put(p.parameterKey(), p.parameterValue()));
        createdParameters.put(request.stackName(), parameters);
        Map<String, String> tags = new TreeMap<>();
        request.tags().forEach(t -> tags.put(t.key(), t.value()));
        createdTags.put(request.stackName(), tags);
        templates.put(request.stackName(), request.templateBody());
        Map<String, String> outputs = new TreeMap<>();
        try {
            JsonNode template = new ObjectMapper().readTree(request.templateBody());
            template.path("Outputs").fieldNames().forEachRemaining(key -> outputs.put(key, request.stackName() + ":" + key));
            Map<String, String> types = new LinkedHashMap<>();
            template.path("Resources").fields().forEachRemaining(r -> types.put(r.getKey(), r.getValue().path("Type").asText()));
            resources.put(request.stackName(), types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        createdProtected.put(request.stackName(), Boolean.TRUE.equals(request.enableTerminationProtection()));
        if (request.stackPolicyBody() != null) {
            createdStackPolicies.put(request.stackName(), request.stackPolicyBody());
        }
        boolean fails = failCreateOf.contains(request.stackName());
        stacks.put(request.stackName(), stack(request.stackName(), fails ? "ROLLBACK_COMPLETE" : "CREATE_COMPLETE",
                Boolean.TRUE.equals(request.enableTerminationProtection()), fails ? Map.of() : outputs, parameters).toBuilder()
                .tags(request.tags()).build());
        return CreateStackResponse.builder().stackId(id(request.stackName())).build();
    }

    @Override
    public DescribeStacksResponse describeStacks(DescribeStacksRequest request) {
        String name = request.stackName().replaceFirst("^arn:.*:stack/([^/]+)/.*$", "$1");
        Stack stack = stacks.get(name);
        if (stack == null) {
            throw notFound(request.stackName());
        }
        return DescribeStacksResponse.builder().stacks(stack).build();
    }

    @Override
    public GetTemplateResponse getTemplate(GetTemplateRequest request) {
        String name = request.stackName().replaceFirst("^arn:.*:stack/([^/]+)/.*$", "$1");
        if (!templates.containsKey(name)) {
            throw notFound(request.stackName());
        }
        return GetTemplateResponse.builder().templateBody(templates.get(name)).build();
    }

    @Override
    public DescribeStackEventsResponse describeStackEvents(DescribeStackEventsRequest request) {
        String name = request.stackName().replaceFirst("^arn:.*:stack/([^/]+)/.*$", "$1");
        if (!stacks.containsKey(name)) {
            throw notFound(request.stackName());
        }
        return DescribeStackEventsResponse.builder().stackEvents(StackEvent.builder().eventId(name + "-created")
                .stackName(name).logicalResourceId(name).resourceType("AWS::CloudFormation::Stack")
                .resourceStatus("CREATE_COMPLETE").timestamp(Instant.EPOCH).build()).build();
    }

    @Override
    public DescribeStackResourcesResponse describeStackResources(DescribeStackResourcesRequest request) {
        String name = request.stackName();
        if (!stacks.containsKey(name)) {
            throw notFound(name);
        }
        List<StackResource> list = new ArrayList<>();
        resources.getOrDefault(name, Map.of()).forEach((logicalId, type) -> list.add(StackResource.builder().stackName(name)
                .logicalResourceId(logicalId).physicalResourceId(name + ":" + logicalId).resourceType(type)
                .resourceStatus("CREATE_COMPLETE").timestamp(Instant.EPOCH).build()));
        return DescribeStackResourcesResponse.builder().stackResources(list).build();
    }

    @Override
    public DeleteStackResponse deleteStack(DeleteStackRequest request) {
        String name = request.stackName().replaceFirst("^arn:.*:stack/([^/]+)/.*$", "$1");
        journal.add("cfn:DeleteStack " + name);
        Stack stack = stacks.get(name);
        if (stack != null && enforceTerminationProtection && Boolean.TRUE.equals(stack.enableTerminationProtection())) {
            throw error(400, "ValidationError", "Stack [" + name + "] cannot be deleted while TerminationProtection is enabled");
        }
        stacks.remove(name);
        return DeleteStackResponse.builder().build();
    }

    @Override
    public UpdateTerminationProtectionResponse updateTerminationProtection(UpdateTerminationProtectionRequest request) {
        journal.add("cfn:UpdateTerminationProtection " + request.stackName() + " " + request.enableTerminationProtection());
        if (terminationProtectionFailure != null) {
            throw error(terminationProtectionFailure, "InternalFailure", "not implemented");
        }
        // AWS takes the stack's name or its id.
        String name = request.stackName().replaceFirst("^arn:.*:stack/([^/]+)/.*$", "$1");
        Stack stack = stacks.get(name);
        stacks.put(name, stack.toBuilder().enableTerminationProtection(request.enableTerminationProtection()).build());
        return UpdateTerminationProtectionResponse.builder().stackId(stack.stackId()).build();
    }

    private static Stack stack(String name, String status, boolean protectedStack, Map<String, String> outputs,
                               Map<String, String> parameters) {
        List<Output> out = new ArrayList<>();
        outputs.forEach((k, v) -> out.add(Output.builder().outputKey(k).outputValue(v).build()));
        List<Parameter> params = new ArrayList<>();
        parameters.forEach((k, v) -> params.add(Parameter.builder().parameterKey(k).parameterValue(v).build()));
        return Stack.builder().stackName(name).stackId(id(name)).stackStatus(status).outputs(out).parameters(params)
                .enableTerminationProtection(protectedStack).creationTime(Instant.EPOCH).build();
    }

    private static String id(String name) {
        return "arn:aws:cloudformation:eu-west-1:123456789012:stack/" + name + "/00000000-0000-0000-0000-000000000000";
    }

    private static CloudFormationException notFound(String name) {
        return error(400, "ValidationError", "Stack with id " + name + " does not exist");
    }

    private static CloudFormationException error(int status, String code, String message) {
        return (CloudFormationException) CloudFormationException.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("CloudFormation").build())
                .build();
    }

    @Override
    public String serviceName() {
        return "cloudformation";
    }

    @Override
    public void close() {
    }
}
