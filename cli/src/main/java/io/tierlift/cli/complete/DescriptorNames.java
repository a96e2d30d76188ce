package io.tierlift.cli.complete;

import io.tierlift.descriptor.YamlParser;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The names a command line can refer to, read from a descriptor's YAML tree without binding or
 * validating it: completion runs while the file may be half-edited, and must answer in the time
 * of a key press. The bounded parser is the same as the loader's, so a hostile file costs no more
 * here than in {@code validate}.
 */
public final class DescriptorNames {
    private final Node root;

    private DescriptorNames(Node root) {
        this.root = root;
    }

    /** Parses the text; empty when it is not YAML at all (completion then offers nothing). */
    public static Optional<DescriptorNames> parse(String fileName, String text) {
        try {
            return Optional.of(new DescriptorNames(new YamlParser().parse(fileName, text).root()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The keys of {@code environments}, in file order. */
    public List<String> environments() {
        return keys(child(root, "environments"));
    }

    /** On-prem host names of the base and of every environment overlay, each once, in file order. */
    public List<String> hosts() {
        Set<String> names = new LinkedHashSet<>(keys(path(root, "targets", "onprem", "hosts")));
        Node environments = child(root, "environments");
        if (environments instanceof MappingNode overlays) {
            for (NodeTuple overlay : overlays.getValue()) {
                names.addAll(keys(path(overlay.getValueNode(), "targets", "onprem", "hosts")));
            }
        }
        return new ArrayList<>(names);
    }

    private static Node path(Node node, String... keys) {
        Node current = node;
        for (String key : keys) {
            current = child(current, key);
        }
        return current;
    }

    private static Node child(Node node, String key) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key)) {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }

    private static List<String> keys(Node node) {
        List<String> keys = new ArrayList<>();
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                // Only names a shell word can hold: a key with spaces or quotes could not be typed back.
                if (tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().matches("[A-Za-z0-9._-]+")) {
                    keys.add(scalar.getValue());
                }
            }
        }
        return keys;
    }
}
