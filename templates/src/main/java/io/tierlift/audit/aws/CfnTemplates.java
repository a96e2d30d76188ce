package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.audit.AuditInput;
import io.tierlift.provider.RenderedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The CloudFormation templates of an AWS rendering ({@code <stack>.template.json}), as resources.
 * The same view serves aws-iaas and aws-serverless: the rules look at resource types, not at
 * which tier produced them.
 */
final class CfnTemplates {
    private static final String SUFFIX = ".template.json";
    private final List<CfnResource> resources = new ArrayList<>();

    CfnTemplates(AuditInput input) {
        ObjectMapper json = new ObjectMapper();
        for (RenderedFile file : input.files()) {
            if (!file.location().endsWith(SUFFIX)) {
                continue;
            }
            String stack = file.location().substring(0, file.location().length() - SUFFIX.length());
            JsonNode template;
            try {
                template = json.readTree(file.content());
            } catch (IOException e) {
                throw new UncheckedIOException("rendered template " + file.location() + " is not JSON", e);
            }
            Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> entry = it.next();
                resources.add(new CfnResource(stack, entry.getKey(), entry.getValue()));
            }
        }
    }

    List<CfnResource> ofType(String type) {
        return resources.stream().filter(r -> r.type().equals(type)).toList();
    }

    /** A property that may be one value or a list of values, as a list. */
    static List<JsonNode> listOf(JsonNode node) {
        List<JsonNode> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(values::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            values.add(node);
        }
        return values;
    }
}
