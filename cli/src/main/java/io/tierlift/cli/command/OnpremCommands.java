package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.model.AppDescriptor;
import io.tierlift.onprem.deploy.OnpremDeployer;
import io.tierlift.onprem.deploy.ReleaseSource;
import io.tierlift.release.PipSettings;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.onprem.release.ReleaseBuilder;

import java.nio.file.Path;
import io.tierlift.provider.Target;

/** Builds the on-prem deployer for a command run. */
final class OnpremCommands {
    private OnpremCommands() {
    }

    static OnpremDeployer deployer(Application app, AppDescriptor descriptor, boolean acceptNewHostKeys) {
        var target = descriptor.targets().onprem().orElseThrow();
        var progress = new StderrProgress(app.console());
        var builder = new ReleaseBuilder(new ProcessCommandRunner(), PipSettings.defaults(), progress);
        Path cache = Path.of(System.getProperty("user.home"), ".tierlift", "cache");
        return new OnpremDeployer(app.connectors().create(target, acceptNewHostKeys), app.renderer(Target.ONPREM),
                app.secretsFor(descriptor), progress, ReleaseSource.using(builder, cache));
    }
}
