package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The aws-iaas request-id CloudFront Function, from the rendered static stack, run by Node.js: the
 * /api/* behaviour runs it on the viewer request, a well-formed X-Request-ID the client sent stays,
 * any other request gets CloudFront's own id (X-Amz-Cf-Id) without its padding, an id the app (as
 * application_name) and Gunicorn's request_id= take.
 */
@Tag("real")
class RequestIdFunctionTest {
    /** The ids the example app and nginx on-prem accept. */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._-]{8,63}");
    private static final String CLOUDFRONT_ID = "Y3fXwK0qLz9Ab_TtQe-1nR5sHvUc8JdPm2oGiBk4ElWa7xNyCZ6F0g==";

    @TempDir
    Path dir;

    @Test
    void theApiBehaviourRunsItOnTheViewerRequestAndTheSiteBehaviourDoesNot() {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode config = stacks.resource("static", "Distribution").path("Properties").path("DistributionConfig");
        JsonNode api = config.path("CacheBehaviors").get(0);
        assertThat(api.path("PathPattern").asText()).isEqualTo("/api/*");
        assertThat(api.path("FunctionAssociations")).singleElement().satisfies(association -> {
            assertThat(association.path("EventType").asText()).isEqualTo("viewer-request");
            assertThat(association.path("FunctionARN").path("Fn::GetAtt").get(0).asText())
                    .isEqualTo(StaticSiteStack.REQUEST_ID_FUNCTION);
        });
        assertThat(config.path("DefaultCacheBehavior").path("FunctionAssociations").toString())
                .doesNotContain(StaticSiteStack.REQUEST_ID_FUNCTION);
        assertThat(api.path("OriginRequestPolicyId").asText()).as("all viewer headers, so the one the function sets too")
                .isEqualTo(StaticSiteStack.ALL_VIEWER_EXCEPT_HOST_HEADER);
    }

    @Test
    void keepsAWellFormedClientIdAndOtherwiseSetsCloudFrontsIdWithoutPadding() throws Exception {
        String code = new RenderedStacks(IaasCases.EXAMPLE.render()).resource("static", StaticSiteStack.REQUEST_ID_FUNCTION)
                .path("Properties").path("FunctionCode").asText();
        Path script = dir.resolve("check.js");
        Files.writeString(script, code + """

                const cloudFrontId = process.argv[2];
                for (const sent of process.argv.slice(3)) {
                    const headers = sent === "(none)" ? {} : { "x-request-id": { value: sent } };
                    const request = handler({ context: { requestId: cloudFrontId }, request: { uri: "/api/notes", headers: headers } });
                    console.log(sent + " -> " + request.headers["x-request-id"].value);
                }
                """);
        String stripped = CLOUDFRONT_ID.substring(0, CLOUDFRONT_ID.length() - 2);
        String output = node(script, List.of(CLOUDFRONT_ID, "(none)", "client-trace-0001", "abc", "x; DROP TABLE notes", "a".repeat(64)));
        assertThat(output.lines().toList()).containsExactly(
                "(none) -> " + stripped,
                "client-trace-0001 -> client-trace-0001",
                "abc -> " + stripped,
                "x; DROP TABLE notes -> " + stripped,
                "a".repeat(64) + " -> " + stripped);
        assertThat(WELL_FORMED.matcher(stripped).matches()).as("the app and PostgreSQL take CloudFront's id").isTrue();
    }

    private String node(Path script, List<String> args) throws IOException, InterruptedException {
        return NodeRun.output(dir, script, args);
    }
}
