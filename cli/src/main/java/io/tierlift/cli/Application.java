package io.tierlift.cli;

import io.tierlift.cli.console.Console;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.Target;

import java.util.Map;

/**
 * The composition root: the one place that decides which implementation serves each role, so
 * commands stay thin and tests can swap parts. Expensive clients (SSH, AWS) are created lazily,
 * by the commands that need them.
 */
public final class Application {
    private final Console console;
    private final DescriptorLoader loader;
    private final java.util.function.Function<Target, RenderProvider> renderers;
    private final Map<String, String> environment;
    private final ConnectorFactory connectors;

    public Application(Console console, DescriptorLoader loader, Map<Target, RenderProvider> renderers,
                       Map<String, String> environment, ConnectorFactory connectors) {
        this(console, loader, Map.copyOf(renderers)::get, environment, connectors);
    }

    /** Renderers are looked up per target, so a command only builds (and loads the classes of) the ones it uses. */
    public Application(Console console, DescriptorLoader loader, java.util.function.Function<Target, RenderProvider> renderers,
                       Map<String, String> environment, ConnectorFactory connectors) {
        this.console = console;
        this.loader = loader;
        this.renderers = renderers;
        this.environment = Map.copyOf(environment);
        this.connectors = connectors;
    }

    public ConnectorFactory connectors() {
        return connectors;
    }

    public io.tierlift.secret.SecretResolver secretsFor(io.tierlift.model.AppDescriptor descriptor) {
        return new io.tierlift.secret.LocalSecretResolver(environment, descriptor.baseDir(), ref -> {
            throw new io.tierlift.secret.SecretUnavailableException(ref, "AWS Secrets Manager references are resolved by the AWS targets only");
        });
    }

    public Console console() {
        return console;
    }

    public DescriptorLoader loader() {
        return loader;
    }

    public RenderProvider renderer(Target target) {
        RenderProvider provider = renderers.apply(target);
        if (provider == null) {
            throw new UserException("rendering " + target + " is not available in this build");
        }
        return provider;
    }

    public Map<String, String> environment() {
        return environment;
    }
}
