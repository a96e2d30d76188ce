package io.tierlift.audit;

import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.engine.TemplateRenderException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The template engine cannot be turned against the machine: ?new (instantiate any
 * TemplateModel, e.g. Execute) and ?api (reach Java methods) are refused. Test-only templates
 * live under src/test/resources/io/tierlift/templates/trust/, on the engine's class path root.
 */
class FreemarkerLockdownTest {
    private final FreemarkerEngine engine = new FreemarkerEngine();
    private final Map<String, Object> model = Map.of("names", List.of("a"));

    @Test
    void aPlainTemplateRenders() {
        // Proves the test templates are found, so the failures below are the lockdown, not a missing file.
        assertThat(engine.render("trust/plain.txt.ftl", model)).isEqualTo("plain a\n");
    }

    @Test
    void newBuiltinIsRefused() {
        assertThatThrownBy(() -> engine.render("trust/new-builtin.txt.ftl", model))
                .isInstanceOf(TemplateRenderException.class)
                .satisfies(e -> assertThat(causes(e)).containsIgnoringCase("not allowed"));
    }

    @Test
    void apiBuiltinIsRefused() {
        assertThatThrownBy(() -> engine.render("trust/api-builtin.txt.ftl", model))
                .isInstanceOf(TemplateRenderException.class)
                .satisfies(e -> assertThat(causes(e)).contains("api_builtin_enabled"));
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
