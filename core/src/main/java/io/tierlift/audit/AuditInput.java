package io.tierlift.audit;

import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;

import java.util.List;
import java.util.Optional;

/** What an audit looks at: the model and the files its renderer produced for one target. */
public record AuditInput(AppDescriptor app, Target target, List<RenderedFile> files) {
    public AuditInput {
        files = List.copyOf(files);
    }

    public Optional<RenderedFile> file(String location) {
        return files.stream().filter(f -> f.location().equals(location)).findFirst();
    }
}
