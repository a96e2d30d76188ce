package io.tierlift.cli.command;

import io.tierlift.audit.AuditRule;
import io.tierlift.cli.Application;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.diag.Diagnostic;
import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.secret.SecretView;
import io.tierlift.tier.Operation;
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
    static MaskedRendering of(Application app, TargetArguments on, String verb) {
        on.refuseUnsupported(app, Operation.RENDER);
        LoadedDescriptor loaded = on.load(app);
        Target target = on.target();
        return on.onTier(app, TierScope.of(loaded.descriptor()), new Operation[] {Operation.RENDER}, tier -> {
            RenderProvider renderer = tier.renderer();
            if (!renderer.isDescribed(loaded.descriptor())) {
                throw new InvalidDescriptorException(List.of(Diagnostic.error(loaded.sourceMap().positionOf("targets"), "targets",
                        "no " + target + " section: describe the tier under targets." + target + " to " + verb + " it")));
            }
            return new MaskedRendering(loaded, renderer.render(loaded.descriptor(), SecretView.masked()), tier.auditRules());
        });
    }
}
