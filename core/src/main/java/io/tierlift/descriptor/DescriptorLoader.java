package io.tierlift.descriptor;

import io.tierlift.descriptor.schema.DescriptorSchema;
import io.tierlift.descriptor.schema.Format;
import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.Diagnostics;
import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.diag.SourcePosition;
import io.tierlift.model.AppDescriptor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a descriptor: parse with positions, apply the chosen environment overlay, check it against
 * the schema and the cross-key rules, then bind it to the typed model. Every problem is collected
 * and reported together; nothing is resolved (no secrets read, no network).
 */
public final class DescriptorLoader {
    private static final String ENVIRONMENTS = "environments";
    private final YamlParser parser = new YamlParser();
    private final OverlayMerger merger = new OverlayMerger();

    public LoadedDescriptor load(Path file, Optional<String> environment) {
        String fileName = file.toString();
        String text = readText(file, fileName);
        Path baseDir = file.toAbsolutePath().normalize().getParent();
        return load(fileName, text, baseDir, environment);
    }

    public LoadedDescriptor load(String fileName, String text, Path baseDir, Optional<String> environment) {
        YamlDocument document = parser.parse(fileName, text);
        Diagnostics diagnostics = new Diagnostics();
        SourceMap sourceMap = new SourceMap(fileName);
        Node root = document.root();
        if (!(root instanceof MappingNode rootMap)) {
            throw new InvalidDescriptorException(List.of(Diagnostic.error(document.positionOf(root), "",
                    "a descriptor is a mapping of keys (app, frontend, backend, database, targets, environments)")));
        }
        Map<String, Node> overlays = overlays(rootMap, document, diagnostics);
        MappingNode base = merger.without(rootMap, ENVIRONMENTS);
        SchemaValidator validator = new SchemaValidator(fileName, diagnostics, sourceMap);

        MappingNode chosen = base;
        if (environment.isPresent()) {
            Node overlay = overlays.get(environment.get());
            if (overlay == null) {
                String known = overlays.isEmpty() ? "the descriptor defines none" : "known: " + String.join(", ", overlays.keySet());
                diagnostics.error(positionOfKey(rootMap, document, ENVIRONMENTS), ENVIRONMENTS,
                        "no environment named '" + environment.get() + "' (" + known + ")");
            } else {
                chosen = (MappingNode) merger.merge(base, overlay);
            }
        } else {
            // Check every overlay too, so a broken staging overlay is caught by a plain `validate`.
            for (Node overlay : overlays.values()) {
                new SchemaValidator(fileName, diagnostics, new SourceMap(fileName))
                        .check(merger.merge(base, overlay), DescriptorSchema.ROOT, "");
            }
        }
        validator.check(chosen, DescriptorSchema.ROOT, "");
        if (diagnostics.hasErrors()) {
            throw new InvalidDescriptorException(diagnostics.errors());
        }
        AppDescriptor descriptor = new DescriptorBinder().bind(chosen, environment.orElse("default"), baseDir);
        new DescriptorRules(diagnostics, sourceMap).check(descriptor);
        if (diagnostics.hasErrors()) {
            throw new InvalidDescriptorException(diagnostics.errors());
        }
        return new LoadedDescriptor(descriptor, diagnostics.warnings(), sourceMap);
    }

    private Map<String, Node> overlays(MappingNode root, YamlDocument document, Diagnostics diagnostics) {
        Map<String, Node> result = new LinkedHashMap<>();
        NodeTuple tuple = OverlayMerger.find(root, ENVIRONMENTS);
        if (tuple == null) {
            return result;
        }
        if (!(tuple.getValueNode() instanceof MappingNode envs)) {
            diagnostics.error(document.positionOf(tuple.getValueNode()), ENVIRONMENTS, "expected a mapping of environment names to overlays");
            return result;
        }
        List<String> allowed = List.of("frontend", "backend", "database", "targets", "dns");
        for (NodeTuple env : envs.getValue()) {
            if (!(env.getKeyNode() instanceof ScalarNode nameNode)) {
                diagnostics.error(document.positionOf(env.getKeyNode()), ENVIRONMENTS, "environment names must be plain names");
                continue;
            }
            String name = nameNode.getValue();
            String path = ENVIRONMENTS + "." + name;
            Optional<String> bad = Format.NAME.check(name);
            if (bad.isPresent()) {
                diagnostics.error(document.positionOf(nameNode), path, "bad environment name: " + bad.get());
                continue;
            }
            if (!(env.getValueNode() instanceof MappingNode overlay)) {
                diagnostics.error(document.positionOf(env.getValueNode()), path, "expected a mapping of keys to override");
                continue;
            }
            boolean ok = true;
            for (NodeTuple key : overlay.getValue()) {
                String keyText = OverlayMerger.keyText(key);
                if (keyText == null || !allowed.contains(keyText)) {
                    String hint = keyText == null ? "" : DidYouMean.closest(keyText, allowed).map(k -> "; did you mean '" + k + "'?").orElse("");
                    diagnostics.error(document.positionOf(key.getKeyNode()), path + (keyText == null ? "" : "." + keyText),
                            "an environment may override only " + String.join(", ", allowed) + hint);
                    ok = false;
                }
            }
            if (ok) {
                result.put(name, overlay);
            }
        }
        return result;
    }

    private static SourcePosition positionOfKey(MappingNode root, YamlDocument document, String key) {
        NodeTuple tuple = OverlayMerger.find(root, key);
        return tuple == null ? new SourcePosition(document.fileName(), 1, 1) : document.positionOf(tuple.getKeyNode());
    }

    private static String readText(Path file, String fileName) {
        try {
            long size = Files.size(file);
            if (size > YamlParser.MAX_CHARS) {
                throw invalid(fileName, "file is " + size / 1024 + " KiB; a descriptor may be at most " + YamlParser.MAX_CHARS / 1024 + " KiB");
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw invalid(fileName, "file is not UTF-8 text");
            }
        } catch (NoSuchFileException e) {
            throw invalid(fileName, "no such file");
        } catch (IOException e) {
            throw invalid(fileName, "cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static InvalidDescriptorException invalid(String fileName, String message) {
        return new InvalidDescriptorException(List.of(Diagnostic.error(new SourcePosition(fileName, 1, 1), "", message)));
    }
}
