package io.tierlift.cli.init;

import java.util.List;
import java.util.Optional;

/**
 * What {@link AppDetector} found in an application repository. Paths are relative to the
 * repository, with '/' separators, as the descriptor writes them. {@code guesses} are the values
 * with their evidence; {@code notes} are lines for the operator: what still needs a person.
 */
public record DetectedApp(Optional<String> backendPath, Optional<String> wsgi,
                          Optional<String> requirements, String python, Optional<String> pythonSource,
                          Optional<String> frontendPath, Optional<String> frontendBuild, Optional<String> frontendDist,
                          Optional<String> releaseCommand, Optional<String> health, List<Guess> guesses, List<String> notes) {
    public DetectedApp {
        guesses = List.copyOf(guesses);
        notes = List.copyOf(notes);
    }

    /** The evidence for a descriptor field, e.g. "backend/app.py:12", if it was guessed from a file. */
    public Optional<String> evidence(String field) {
        return guesses.stream().filter(g -> g.field().equals(field)).findFirst().flatMap(Guess::evidence);
    }
}
