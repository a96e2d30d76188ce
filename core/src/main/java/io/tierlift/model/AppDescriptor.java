package io.tierlift.model;

import java.nio.file.Path;

/**
 * The whole descriptor after loading, overlaying the chosen environment and validating.
 * {@code baseDir} is the descriptor's folder: relative paths in it are resolved from there.
 */
public record AppDescriptor(String app, String environment, Path baseDir, Frontend frontend, Backend backend,
                            Database database, Targets targets) {
}
