package io.tierlift.descriptor;

import io.tierlift.diag.Diagnostic;
import io.tierlift.model.AppDescriptor;

import java.util.List;

/** A valid descriptor, the warnings found on the way, and where each key was written. */
public record LoadedDescriptor(AppDescriptor descriptor, List<Diagnostic> warnings, SourceMap sourceMap) {
    public LoadedDescriptor {
        warnings = List.copyOf(warnings);
    }
}
