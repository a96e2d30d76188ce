package io.tierlift.onprem.tier;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.OnpremTarget;
import io.tierlift.onprem.deploy.OnpremDeployer;
import io.tierlift.onprem.deploy.ReleaseSource;
import io.tierlift.onprem.release.ReleaseBuilder;
import io.tierlift.provider.RenderProvider;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.tier.TierContext;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The deployer every on-prem verb works through, made the same way each time: this run's SSH
 * connector, renderer, secrets and progress, and a release source that builds with the operator's
 * own pip settings and caches in {@code ~/.tierlift/cache}.
 */
final class OnpremDeployers {
    private final AppDescriptor descriptor;
    private final OnpremTarget target;
    private final TierContext context;
    private final ConnectorFactory connectors;
    private final RenderProvider renderer;

    OnpremDeployers(AppDescriptor descriptor, OnpremTarget target, TierContext context, ConnectorFactory connectors,
                    RenderProvider renderer) {
        this.descriptor = descriptor;
        this.target = target;
        this.context = context;
        this.connectors = connectors;
        this.renderer = renderer;
    }

    /** @param noBuild take the frontend's output folder as it is (--no-build) */
    OnpremDeployer create(boolean acceptNewHostKeys, boolean noBuild) {
        ReleaseBuilder builder = new ReleaseBuilder(new ProcessCommandRunner(), PipSettings.defaults().withEnvironment(pipVariables()),
                context.progress());
        Path cache = Path.of(System.getProperty("user.home"), ".tierlift", "cache");
        return new OnpremDeployer(connectors.create(target, acceptNewHostKeys), renderer, context.secretsFor(descriptor),
                context.progress(), ReleaseSource.using(builder, cache, noBuild));
    }

    /** pip's own settings from this run's environment (PIP_INDEX_URL and the like), which point it at the operator's index. */
    private Map<String, String> pipVariables() {
        Map<String, String> pip = new TreeMap<>();
        context.environment().forEach((name, value) -> {
            if (name.startsWith("PIP_")) {
                pip.put(name, value);
            }
        });
        return pip;
    }
}
