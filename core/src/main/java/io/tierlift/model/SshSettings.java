package io.tierlift.model;

import java.time.Duration;
import java.util.Optional;

/** How tierlift reaches on-prem hosts; unset values fall back to the OpenSSH config. */
public record SshSettings(Optional<String> user, Optional<String> identity, Optional<String> knownHosts,
                          Optional<String> config, Optional<Integer> port, Duration connectTimeout,
                          int parallelism, boolean sudo) {
}
