package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.model.AppDescriptor;
import io.tierlift.onprem.deploy.OnpremDeployer;
import io.tierlift.provider.Target;

/** Builds the on-prem deployer for a command run. */
final class OnpremCommands {
    private OnpremCommands() {
    }

    static OnpremDeployer deployer(Application app, AppDescriptor descriptor, boolean acceptNewHostKeys) {
        var target = descriptor.targets().onprem().orElseThrow();
        return new OnpremDeployer(app.connectors().create(target, acceptNewHostKeys), app.renderer(Target.ONPREM),
                app.secretsFor(descriptor), new StderrProgress(app.console()));
    }
}
