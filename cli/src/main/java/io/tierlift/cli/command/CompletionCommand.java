package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.complete.BashScript;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "completion", description = {"Print a shell completion script (bash; zsh through bashcompinit).",
        "Completes commands, options, targets, and environment names (--env) read from the descriptor given with -f (default app.yaml).",
        "Install: source <(tierlift completion)  — or save it to /etc/bash_completion.d/tierlift.",
        "zsh: autoload -U bashcompinit && bashcompinit, then the same source line."})
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
        app.console().out().print(new BashScript().render(root));
        app.console().out().flush();
        return ExitCode.OK;
    }
}
