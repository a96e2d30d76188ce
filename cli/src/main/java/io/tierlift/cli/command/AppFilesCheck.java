package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.descriptor.AppSourceCheck;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.InvalidDescriptorException;

import java.util.List;

/**
 * The app files a descriptor names, checked the same way by every command that reads them before
 * acting: errors stop the command as an invalid descriptor (65, each at its position), warnings
 * go to stderr.
 */
final class AppFilesCheck {
    private AppFilesCheck() {
    }

    static void require(Application app, LoadedDescriptor loaded) {
        List<Diagnostic> problems = new AppSourceCheck().check(loaded);
        List<Diagnostic> errors = problems.stream().filter(Diagnostic::isError).toList();
        if (!errors.isEmpty()) {
            throw new InvalidDescriptorException(errors);
        }
        problems.forEach(warning -> app.console().err().println(warning.format()));
    }
}
