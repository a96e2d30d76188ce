package io.tierlift.render.onprem.firewall;

import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.onprem.HostRoleRenderer;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.secret.SecretView;

import java.util.List;
import java.util.stream.Stream;

/**
 * The descriptor variations the app, database and firewall renderers are checked against, and a
 * way to render one of them through {@link OnpremRenderer} with a single role renderer.
 */
public final class HostcfgCases {
    /** Fixture file name → golden case suffix. */
    public static final List<String> FIXTURES = List.of(
            "compact.yaml",
            "seed.yaml",
            "single-app-no-waf.yaml",
            "hostcfg-six-apps.yaml",
            "hostcfg-three-apps-no-standby.yaml",
            "hostcfg-shared-hosts.yaml",
            "hostcfg-backup.yaml");

    private HostcfgCases() {
    }

    public static Stream<String> fixtures() {
        return FIXTURES.stream();
    }

    /** {@code compact.yaml} → {@code compact}, {@code hostcfg-six-apps.yaml} → {@code six-apps}. */
    public static String caseName(String fixture) {
        return fixture.replaceFirst("\\.yaml$", "").replaceFirst("^hostcfg-", "");
    }

    public static AppDescriptor descriptor(String fixture) {
        return TestDescriptors.load(fixture);
    }

    public static List<RenderedFile> render(HostRoleRenderer renderer, AppDescriptor descriptor, SecretView secrets) {
        return new OnpremRenderer(List.of(renderer)).render(descriptor, secrets);
    }
}
