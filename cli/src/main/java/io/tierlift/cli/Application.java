package io.tierlift.cli;

import io.tierlift.cli.console.Console;
import io.tierlift.cli.console.Terminal;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.tier.TierRegistry;

import java.util.Map;

/**
 * What the commands are given by the composition root ({@link Main}): the console, the descriptor
 * loader, the registry of tiers (one per target; the only place that knows which implementation
 * serves each), and the environment. Tests build one with a registry of their own.
 */
public final class Application {
    private final Console console;
    private final DescriptorLoader loader;
    private final TierRegistry tiers;
    private final Map<String, String> environment;
    private final Terminal terminal;

    public Application(Console console, DescriptorLoader loader, TierRegistry tiers, Map<String, String> environment) {
        this(console, loader, tiers, environment, Terminal.detached(new byte[0], console.out(), console.err()));
    }

    public Application(Console console, DescriptorLoader loader, TierRegistry tiers, Map<String, String> environment, Terminal terminal) {
        this.console = console;
        this.loader = loader;
        this.tiers = tiers;
        this.environment = Map.copyOf(environment);
        this.terminal = terminal;
    }

    public Console console() {
        return console;
    }

    public DescriptorLoader loader() {
        return loader;
    }

    public TierRegistry tiers() {
        return tiers;
    }

    public Map<String, String> environment() {
        return environment;
    }

    /** The process's own streams as bytes, for exec and db shell. */
    public Terminal terminal() {
        return terminal;
    }
}
