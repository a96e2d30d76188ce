package io.tierlift.diagram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Mermaid flowchart being assembled: nodes grouped into nested subgraphs, then edges. Every
 * label is quoted and escaped here, so names from a descriptor or a template can never end a
 * label early or inject Mermaid syntax.
 */
public final class Flowchart {
    /** How a node is drawn. */
    public enum Shape {
        BOX("[\"", "\"]"), ROUNDED("([\"", "\"])"), CYLINDER("[(\"", "\")]"), HEXAGON("{{\"", "\"}}");

        private final String open;
        private final String close;

        Shape(String open, String close) {
            this.open = open;
            this.close = close;
        }
    }

    /** A solid arrow carries traffic; a dotted one a secondary relation (replication, inspection, secrets). */
    public enum Line {
        SOLID("-->"), DOTTED("-.->");

        private final String arrow;

        Line(String arrow) {
            this.arrow = arrow;
        }
    }

    private final String direction;
    private final Group root = new Group("", "");
    private final List<String> edges = new ArrayList<>();

    public Flowchart(String direction) {
        this.direction = direction;
    }

    /** The top level, outside every subgraph. */
    public Group root() {
        return root;
    }

    public void edge(String fromId, String toId, Line line, String label) {
        edges.add(fromId + " " + line.arrow + (label.isEmpty() ? "" : "|\"" + escape(label) + "\"|") + " " + toId);
    }

    public String text() {
        StringBuilder out = new StringBuilder("flowchart ").append(direction).append('\n');
        root.write(out, 1);
        edges.forEach(e -> out.append("  ").append(e).append('\n'));
        return out.toString();
    }

    /**
     * Makes a label safe inside Mermaid's double quotes: Mermaid decodes {@code #name;} entity
     * codes in labels, so quotes, '#' and angle brackets become codes; the label's own line
     * breaks become {@code <br/>}.
     */
    public static String escape(String label) {
        StringBuilder out = new StringBuilder();
        for (String line : label.split("\n", -1)) {
            if (out.length() > 0) {
                out.append("<br/>");
            }
            out.append(line.replace("#", "#35;").replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;")
                    .replace("`", "#96;"));
        }
        return out.toString();
    }

    /** Node ids allow letters, digits and '_' only, so any name becomes a safe id with a prefix. */
    public static String id(String prefix, String name) {
        return prefix + "_" + name.replaceAll("[^A-Za-z0-9]", "_");
    }

    /** A subgraph (or the top level): nodes first, then nested subgraphs, in insertion order. */
    public static final class Group {
        private final String id;
        private final String label;
        private final List<String> nodes = new ArrayList<>();
        private final Map<String, Group> children = new LinkedHashMap<>();

        private Group(String id, String label) {
            this.id = id;
            this.label = label;
        }

        public Group node(String nodeId, String label, Shape shape) {
            nodes.add(nodeId + shape.open + escape(label) + shape.close);
            return this;
        }

        /** The subgraph with this id, created (with the label) on first use. */
        public Group subgraph(String subgraphId, String subgraphLabel) {
            return children.computeIfAbsent(subgraphId, k -> new Group(subgraphId, subgraphLabel));
        }

        private void write(StringBuilder out, int depth) {
            String indent = "  ".repeat(depth);
            nodes.forEach(n -> out.append(indent).append(n).append('\n'));
            for (Group child : children.values()) {
                out.append(indent).append("subgraph ").append(child.id).append("[\"").append(escape(child.label)).append("\"]\n");
                child.write(out, depth + 1);
                out.append(indent).append("end\n");
            }
        }
    }
}
