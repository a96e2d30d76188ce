package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.cli.ExitCode;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.model.AppDescriptor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate", description = "Check a descriptor and the app files it names: every problem at once, with file:line:col.")
public final class ValidateCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    DescriptorOptions descriptor;

    ValidateCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        Warnings.print(app.console(), loaded);
        AppFilesCheck.require(app, loaded);
        AppDescriptor d = loaded.descriptor();
        List<String> targets = new ArrayList<>();
        d.targets().onprem().ifPresent(t -> targets.add("onprem (" + t.hosts().size() + " hosts)"));
        d.targets().awsIaas().ifPresent(t -> targets.add("aws-iaas (" + t.region() + ")"));
        d.targets().awsServerless().ifPresent(t -> targets.add("aws-serverless (" + t.region() + ")"));
        app.console().out().println(descriptor.file() + ": valid: app " + d.app() + ", environment " + d.environment()
                + ", targets: " + String.join(", ", targets));
        app.console().out().flush();
        return ExitCode.OK;
    }
}
