package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/** One resource of a rendered CloudFormation template, with the stack it belongs to. */
record CfnResource(String stack, String logicalId, JsonNode node) {
    String type() {
        return node.path("Type").asText();
    }

    JsonNode properties() {
        JsonNode properties = node.get("Properties");
        return properties == null ? MissingNode.getInstance() : properties;
    }

    String deletionPolicy() {
        return node.path("DeletionPolicy").asText("Delete");
    }
}
