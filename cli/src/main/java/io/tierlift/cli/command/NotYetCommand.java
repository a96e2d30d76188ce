package io.tierlift.cli.command;

import io.tierlift.cli.UserException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

import java.util.concurrent.Callable;

/** Base of commands of the CLI contract whose implementation has not landed yet. */
abstract class NotYetCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new UserException("'tierlift " + spec.name() + "' is not implemented in this version yet");
    }
}
