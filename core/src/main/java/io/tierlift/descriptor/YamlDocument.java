package io.tierlift.descriptor;

import io.tierlift.diag.SourcePosition;
import org.yaml.snakeyaml.nodes.Node;

/** A parsed YAML document that keeps every node's source mark, for diagnostics. */
public record YamlDocument(String fileName, Node root) {
    public SourcePosition positionOf(Node node) {
        return YamlPositions.of(fileName, node);
    }
}
