package io.tierlift.descriptor;

import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.diag.SourcePosition;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.StringReader;
import java.util.List;

/**
 * Parses descriptor text into a node tree with marks. The limits make hostile files fail fast:
 * bounded size, nesting and aliases (no "billion laughs"), no duplicate or recursive keys.
 */
public final class YamlParser {
    /** Largest descriptor accepted; real ones are a few kilobytes. */
    public static final int MAX_CHARS = 1024 * 1024;
    static final int MAX_DEPTH = 40;
    static final int MAX_ALIASES = 20;

    public YamlDocument parse(String fileName, String text) {
        if (text.length() > MAX_CHARS) {
            throw invalid(new SourcePosition(fileName, 1, 1),
                    "file is larger than " + MAX_CHARS / 1024 + " KiB; a descriptor is a few KiB");
        }
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw invalid(positionOfOffset(fileName, text, nul), "file contains a NUL byte; is it a text file?");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_CHARS);
        options.setAllowRecursiveKeys(false);
        options.setProcessComments(false);
        Yaml yaml = new Yaml(options);
        Node root;
        try {
            root = yaml.compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            String problem = e.getProblem() == null ? "malformed YAML" : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            throw invalid(YamlPositions.of(fileName, e.getProblemMark()), "YAML: " + problem + context);
        } catch (YAMLException e) {
            throw invalid(new SourcePosition(fileName, 1, 1), "YAML: " + firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            throw invalid(new SourcePosition(fileName, 1, 1), "YAML: nesting is too deep");
        }
        if (root == null) {
            throw invalid(new SourcePosition(fileName, 1, 1), "the descriptor is empty");
        }
        return new YamlDocument(fileName, root);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed YAML";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static SourcePosition positionOfOffset(String fileName, String text, int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SourcePosition(fileName, line, column);
    }

    private static InvalidDescriptorException invalid(SourcePosition position, String message) {
        return new InvalidDescriptorException(List.of(Diagnostic.error(position, "", message)));
    }
}
