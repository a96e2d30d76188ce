package io.tierlift.cli.command;

import io.tierlift.cli.console.Console;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.diag.Diagnostic;

/** Prints a descriptor's warnings; they never change the exit code. */
final class Warnings {
    private Warnings() {
    }

    static void print(Console console, LoadedDescriptor loaded) {
        for (Diagnostic warning : loaded.warnings()) {
            console.err().println(warning.format());
        }
        console.err().flush();
    }
}
