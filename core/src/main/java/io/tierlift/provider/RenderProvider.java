package io.tierlift.provider;

import io.tierlift.model.AppDescriptor;
import io.tierlift.secret.SecretView;

import java.util.List;

/**
 * The part of a provider that turns a descriptor into files, with no I/O: what {@code render}
 * writes and what {@code plan} compares with the live side.
 */
public interface RenderProvider {
    Target target();

    /** Whether the descriptor describes this tier at all. */
    boolean isDescribed(AppDescriptor descriptor);

    List<RenderedFile> render(AppDescriptor descriptor, SecretView secrets);
}
