package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "completion", description = {"Print a shell completion script (bash; zsh through bashcompinit).",
        "Install: source <(tierlift completion)  — or save it to /etc/bash_completion.d/tierlift."})
public final class CompletionCommand implements Callable<Integer> {
    private final Application app;

    @Spec
    CommandLine.Model.CommandSpec spec;

    CompletionCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        CommandLine root = spec.commandLine().getParent();
        app.console().out().print(AutoComplete.bash("tierlift", root));
        app.console().out().flush();
        return ExitCode.OK;
    }
}
