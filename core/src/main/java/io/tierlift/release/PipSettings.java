package io.tierlift.release;

import java.util.List;
import java.util.Map;

/**
 * How the operator's pip is called to fetch wheels. pip keeps reading its own configuration
 * (index URLs, certificates), which is how operators point it at a mirror; {@code extraArgs} and
 * {@code environment} are added on top (tests use them to pin a local index).
 *
 * @param python      command that starts a Python with pip, e.g. {@code [python3]}
 * @param extraArgs   added to {@code pip download}
 * @param environment added to pip's environment
 * @param platform    the hosts' platform
 */
public record PipSettings(List<String> python, List<String> extraArgs, Map<String, String> environment,
                          WheelPlatform platform) {
    public PipSettings {
        python = List.copyOf(python);
        extraArgs = List.copyOf(extraArgs);
        environment = Map.copyOf(environment);
        if (python.isEmpty()) {
            throw new IllegalArgumentException("python command is empty");
        }
    }

    /**
     * {@code python3} from PATH; no retries and a 5 s socket timeout, so an operator machine
     * without internet fails in seconds instead of retrying for minutes.
     */
    public static PipSettings defaults() {
        return new PipSettings(List.of("python3"), List.of("--retries", "0", "--timeout", "5"), Map.of(),
                WheelPlatform.DEBIAN_X86_64);
    }

    public PipSettings withExtraArgs(List<String> args) {
        return new PipSettings(python, args, environment, platform);
    }

    public PipSettings withEnvironment(Map<String, String> env) {
        return new PipSettings(python, extraArgs, env, platform);
    }

    public PipSettings withPlatform(WheelPlatform newPlatform) {
        return new PipSettings(python, extraArgs, environment, newPlatform);
    }
}
