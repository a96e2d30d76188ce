package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.Version;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "version", description = "Print tierlift's version.")
public final class VersionCommand implements Callable<Integer> {
    private final Application app;

    VersionCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        app.console().out().println("tierlift " + Version.current());
        app.console().out().flush();
        return ExitCode.OK;
    }
}
