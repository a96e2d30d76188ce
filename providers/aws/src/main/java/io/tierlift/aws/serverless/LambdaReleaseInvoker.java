package io.tierlift.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/** Invokes the function synchronously (RequestResponse) with a tierlift event and reads the adapter's answer. */
public final class LambdaReleaseInvoker implements ReleaseInvoker {
    static final String EVENT = "{\"tierlift\":\"release-command\"}";
    static final String APP_ROLE_EVENT = "{\"tierlift\":\"app-role\"}";
    private final Function<String, LambdaClient> lambda;
    private final ObjectMapper mapper = new ObjectMapper();

    public LambdaReleaseInvoker(Function<String, LambdaClient> lambda) {
        this.lambda = lambda;
    }

    @Override
    public ReleaseOutcome run(String region, String functionName) {
        return invoke(region, functionName, EVENT);
    }

    @Override
    public ReleaseOutcome setUpAppRole(String region, String functionName) {
        return invoke(region, functionName, APP_ROLE_EVENT);
    }

    @Override
    public ReleaseOutcome exec(String region, String functionName, List<String> argv, String operator) {
        ObjectNode event = mapper.createObjectNode();
        event.put("tierlift", "exec");
        ArrayNode words = event.putArray("argv");
        argv.forEach(words::add);
        event.put("operator", operator);
        return invoke(region, functionName, event.toString());
    }

    private ReleaseOutcome invoke(String region, String functionName, String event) {
        InvokeResponse response = lambda.apply(region).invoke(b -> b.functionName(functionName)
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .payload(SdkBytes.fromString(event, StandardCharsets.UTF_8)));
        String payload = response.payload() == null ? "" : response.payload().asUtf8String();
        if (response.functionError() != null) {
            return new ReleaseOutcome(-1, "function error " + response.functionError() + ": " + payload, false);
        }
        try {
            JsonNode answer = mapper.readTree(payload);
            if (answer != null && answer.has("error")) {
                return new ReleaseOutcome(-1, "the function refused the event: " + answer.get("error").asText(), false);
            }
            if (answer == null || !answer.has("exitCode")) {
                return new ReleaseOutcome(-1, "the function did not answer with an exit code: " + payload, false);
            }
            return new ReleaseOutcome(answer.get("exitCode").asInt(-1), answer.path("output").asText(""),
                    answer.path("timedOut").asBoolean(false));
        } catch (IOException e) {
            return new ReleaseOutcome(-1, "the function's answer is not JSON: " + payload, false);
        }
    }
}
