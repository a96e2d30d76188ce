package io.tierlift.cli.docs;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Maven modules and their compile-time dependencies on each other, read from the poms, as a
 * Mermaid flowchart for docs/architecture.md. Each module's label is its pom's {@code description},
 * which says where it stands in the flow descriptor → model → render → plan → apply.
 */
public final class ModuleGraph {
    private static final String GROUP = "io.tierlift";

    /** A module: its folder, its artifact id, its description and the project artifacts it needs to compile. */
    public record Module(String folder, String artifactId, String description, List<String> dependsOn) {
    }

    public List<Module> read(Path root) {
        Element parent = parse(root.resolve("pom.xml"));
        List<Module> modules = new ArrayList<>();
        for (Element module : children(child(parent, "modules"), "module")) {
            String folder = module.getTextContent().strip();
            Element pom = parse(root.resolve(folder).resolve("pom.xml"));
            List<String> needs = new ArrayList<>();
            Element dependencies = child(pom, "dependencies");
            if (dependencies != null) {
                for (Element dependency : children(dependencies, "dependency")) {
                    String scope = text(dependency, "scope");
                    if (GROUP.equals(text(dependency, "groupId")) && !"test".equals(scope) && text(dependency, "type") == null) {
                        needs.add(text(dependency, "artifactId"));
                    }
                }
            }
            modules.add(new Module(folder, text(pom, "artifactId"), text(pom, "description"), List.copyOf(needs)));
        }
        return modules;
    }

    /** The flowchart, modules top to bottom in reactor order, an arrow from each module to what it uses. */
    public String mermaid(List<Module> modules) {
        Map<String, String> idByArtifact = new LinkedHashMap<>();
        for (Module module : modules) {
            idByArtifact.put(module.artifactId(), module.folder().replace('/', '_'));
        }
        StringBuilder out = new StringBuilder("```mermaid\nflowchart BT\n");
        for (Module module : modules) {
            out.append("  ").append(idByArtifact.get(module.artifactId())).append("[\"<b>").append(module.folder()).append("</b><br/>")
                    .append(module.description() == null ? "" : module.description().replace("\"", "'")).append("\"]\n");
        }
        for (Module module : modules) {
            for (String needed : module.dependsOn()) {
                String target = idByArtifact.get(needed);
                if (target != null) {
                    out.append("  ").append(idByArtifact.get(module.artifactId())).append(" --> ").append(target).append('\n');
                }
            }
        }
        return out.append("```\n").toString();
    }

    private static Element parse(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(pom.toFile());
            return document.getDocumentElement();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(pom + " is not a readable pom: " + e.getMessage(), e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Element e : children(parent, name)) {
            return e;
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }
}
