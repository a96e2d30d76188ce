package io.tierlift.cli.init;

import java.util.List;
import java.util.Optional;

/**
 * What {@link AppDetector} found in an application repository. Paths are relative to the
 * repository, with '/' separators, as the descriptor writes them. {@code notes} are lines for
 * the operator: what was guessed, and what still needs a person.
 */
public record DetectedApp(Optional<String> backendPath, Optional<String> wsgi, boolean factoryOnly,
                          Optional<String> requirements, String python, Optional<String> pythonSource,
                          Optional<String> frontendPath, Optional<String> frontendBuild, Optional<String> frontendDist,
                          Optional<String> releaseCommand, Optional<String> health, List<String> notes) {
    public DetectedApp {
        notes = List.copyOf(notes);
    }
}
