package io.tierlift.descriptor;

import io.tierlift.diag.SourcePosition;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/** Converts SnakeYAML's 0-based marks into 1-based positions. */
final class YamlPositions {
    private YamlPositions() {
    }

    static SourcePosition of(String fileName, Node node) {
        return of(fileName, node.getStartMark());
    }

    static SourcePosition of(String fileName, Mark mark) {
        if (mark == null) {
            return new SourcePosition(fileName, 1, 1);
        }
        return new SourcePosition(fileName, mark.getLine() + 1, mark.getColumn() + 1);
    }
}
