package io.tierlift.descriptor;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Merges an environment overlay over the base descriptor: mappings merge key by key, anything
 * else (scalars, lists) is replaced. Nodes keep their own marks, so a problem in an overridden
 * value is reported at the line of the overlay that wrote it.
 */
final class OverlayMerger {
    /** Deeper than any descriptor goes; stops a self-referencing alias from recursing forever. */
    private static final int MAX_DEPTH = 32;

    Node merge(Node base, Node overlay) {
        return merge(base, overlay, 0);
    }

    private Node merge(Node base, Node overlay, int depth) {
        if (depth > MAX_DEPTH || !(base instanceof MappingNode baseMap) || !(overlay instanceof MappingNode overlayMap)) {
            return overlay;
        }
        List<NodeTuple> merged = new ArrayList<>();
        for (NodeTuple tuple : baseMap.getValue()) {
            String key = keyText(tuple);
            NodeTuple override = find(overlayMap, key);
            merged.add(override == null ? tuple
                    : new NodeTuple(tuple.getKeyNode(), merge(tuple.getValueNode(), override.getValueNode(), depth + 1)));
        }
        for (NodeTuple tuple : overlayMap.getValue()) {
            if (find(baseMap, keyText(tuple)) == null) {
                merged.add(tuple);
            }
        }
        return new MappingNode(baseMap.getTag(), true, merged, baseMap.getStartMark(), baseMap.getEndMark(), baseMap.getFlowStyle());
    }

    /** The base without the given top-level key (used to drop {@code environments}). */
    MappingNode without(MappingNode root, String key) {
        List<NodeTuple> kept = root.getValue().stream().filter(t -> !key.equals(keyText(t))).toList();
        return new MappingNode(root.getTag(), true, new ArrayList<>(kept), root.getStartMark(), root.getEndMark(), root.getFlowStyle());
    }

    static NodeTuple find(MappingNode map, String key) {
        if (key == null) {
            return null;
        }
        for (NodeTuple tuple : map.getValue()) {
            if (key.equals(keyText(tuple))) {
                return tuple;
            }
        }
        return null;
    }

    static String keyText(NodeTuple tuple) {
        return tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
    }
}
