package io.tierlift.cli.command;

import io.tierlift.audit.AuditRule;
import io.tierlift.cli.Application;
import io.tierlift.cli.DescriptorOptions;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.secret.SecretView;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierScope;

import java.util.List;

/**
 * What a tier would place for the loaded descriptor, secrets masked, with the rules that audit it:
 * what {@code render} writes and {@code audit} checks. Everything is rendered in memory, so a
 * failure leaves nothing behind.
 */
record MaskedRendering(LoadedDescriptor loaded, List<RenderedFile> files, List<AuditRule> auditRules) {
    MaskedRendering {
        files = List.copyOf(files);
        auditRules = List.copyOf(auditRules);
    }

    /** {@code verb} names the command in the error for a descriptor without the target's section. */
    static MaskedRendering of(Application app, Target target, DescriptorOptions descriptor, String verb) {
        app.tiers().require(target, Operation.RENDER);
        LoadedDescriptor loaded = app.loader().load(descriptor.file(), descriptor.environment());
        Warnings.print(app.console(), loaded);
        try (Tier tier = app.tiers().open(target, TierScope.of(loaded.descriptor()), Operation.RENDER)) {
            RenderProvider renderer = tier.renderer();
            if (!renderer.isDescribed(loaded.descriptor())) {
                throw new InvalidDescriptorException(List.of(Diagnostic.error(loaded.sourceMap().positionOf("targets"), "targets",
                        "no " + target + " section: describe the tier under targets." + target + " to " + verb + " it")));
            }
            return new MaskedRendering(loaded, renderer.render(loaded.descriptor(), SecretView.masked()), tier.auditRules());
        }
    }
}
