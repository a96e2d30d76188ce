package io.tierlift.diag;

import java.util.List;
import java.util.stream.Collectors;

/** The descriptor has errors; the CLI prints each diagnostic and exits 65. */
public class InvalidDescriptorException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public InvalidDescriptorException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n")));
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
