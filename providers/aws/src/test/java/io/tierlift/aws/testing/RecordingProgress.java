package io.tierlift.aws.testing;

import io.tierlift.provider.Progress;

import java.util.ArrayList;
import java.util.List;

/** Collects progress lines as "scope: message". */
public final class RecordingProgress implements Progress {
    private final List<String> lines = new ArrayList<>();

    @Override
    public synchronized void step(String scope, String message) {
        lines.add(scope + ": " + message);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }
}
