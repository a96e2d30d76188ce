package io.tierlift.render.onprem;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.app.AppServerRenderer;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.render.onprem.database.DatabaseRenderer;
import io.tierlift.render.onprem.edge.EdgeRenderer;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.secret.SecretView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every file of every on-prem host, from the descriptor alone. */
public final class OnpremRenderer implements RenderProvider {
    private final List<HostRoleRenderer> roleRenderers;

    public OnpremRenderer(List<HostRoleRenderer> roleRenderers) {
        this.roleRenderers = List.copyOf(roleRenderers);
    }

    /** Every part of an on-prem host, as deploy, render and audit see it. */
    public static OnpremRenderer allRoles(FreemarkerEngine engine) {
        return new OnpremRenderer(List.of(new EdgeRenderer(engine), new AppServerRenderer(engine), new DatabaseRenderer(engine),
                new BackupRenderer(engine), new FirewallRenderer(engine)));
    }

    @Override
    public Target target() {
        return Target.ONPREM;
    }

    @Override
    public boolean isDescribed(AppDescriptor descriptor) {
        return descriptor.targets().onprem().isPresent();
    }

    @Override
    public List<RenderedFile> render(AppDescriptor descriptor, SecretView secrets) {
        OnpremTarget target = descriptor.targets().onprem()
                .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.onprem section"));
        List<RenderedFile> files = new ArrayList<>();
        for (Host host : target.hosts()) {
            OnpremScope scope = new OnpremScope(descriptor, target, host, secrets);
            for (HostRoleRenderer renderer : roleRenderers) {
                files.addAll(renderer.render(scope));
            }
        }
        files.sort(Comparator.comparing(RenderedFile::location));
        return files;
    }
}
