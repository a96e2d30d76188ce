package io.tierlift.logs;

import java.time.Instant;

/**
 * One line of one log: when it was written (as the line itself says, or when it was read if it says
 * nothing), on which host (on AWS: the log stream), from which source (e.g. {@code nginx-access},
 * {@code gunicorn-error}, {@code postgresql}) of which role.
 */
public record LogLine(Instant time, String host, String source, LogRole role, String line) {
}
