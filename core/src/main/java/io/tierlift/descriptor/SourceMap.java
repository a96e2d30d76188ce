package io.tierlift.descriptor;

import io.tierlift.diag.SourcePosition;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each key path of the loaded descriptor was written, so rules checked on the typed model
 * can still point at a line and column. Paths look like {@code targets.onprem.hosts.app1.address}.
 */
public final class SourceMap {
    private final String fileName;
    private final Map<String, SourcePosition> positions = new HashMap<>();

    public SourceMap(String fileName) {
        this.fileName = fileName;
    }

    void put(String path, SourcePosition position) {
        positions.putIfAbsent(path, position);
    }

    /** The position of the path, or of its nearest written ancestor (defaults have no position). */
    public SourcePosition positionOf(String path) {
        String current = path;
        while (true) {
            SourcePosition found = positions.get(current);
            if (found != null) {
                return found;
            }
            int cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
            if (cut <= 0) {
                return positions.getOrDefault("", new SourcePosition(fileName, 1, 1));
            }
            current = current.substring(0, cut);
        }
    }

    /** True when the path itself was written in the descriptor (not only a default). */
    public boolean hasExplicit(String path) {
        return positions.containsKey(path);
    }

    public String fileName() {
        return fileName;
    }
}
