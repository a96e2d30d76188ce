package io.tierlift.render.onprem.edge;

import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.secret.SecretView;

import java.util.List;
import java.util.stream.Stream;

/** The descriptors the edge renderer is checked with: golden copies and real nginx alike. */
final class EdgeVariations {
    record Variation(String name, String fixture) {
        /** Golden case name. */
        String caseName() {
            return "edge-" + name;
        }

        AppDescriptor descriptor() {
            return TestDescriptors.load(fixture);
        }

        List<RenderedFile> render() {
            return renderEdge(descriptor(), SecretView.masked());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Variation> ALL = List.of(
            new Variation("compact", "compact.yaml"),
            new Variation("seed", "seed.yaml"),
            new Variation("single-app-no-waf", "single-app-no-waf.yaml"),
            new Variation("apps-1", "edge-apps-1.yaml"),
            new Variation("apps-3", "edge-apps-3.yaml"),
            new Variation("apps-6", "edge-apps-6.yaml"),
            new Variation("detection-only", "edge-detection-only.yaml"),
            new Variation("waf-off", "edge-waf-off.yaml"),
            new Variation("waf-tuned", "edge-waf-tuned.yaml"),
            new Variation("mixed", "edge-mixed.yaml"));

    private EdgeVariations() {
    }

    static Stream<Variation> all() {
        return ALL.stream();
    }

    static Variation named(String name) {
        return ALL.stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    static List<RenderedFile> renderEdge(AppDescriptor descriptor, SecretView secrets) {
        return new OnpremRenderer(List.of(new EdgeRenderer(new FreemarkerEngine()))).render(descriptor, secrets);
    }
}
