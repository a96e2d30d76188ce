package io.tierlift.render.aws.iaas;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StackNamesTest {
    @Test
    void namesStacksAppEnvStack() {
        StackNames names = new StackNames("notes", "prod");
        assertThat(names.stack("network")).isEqualTo("notes-prod-network");
        assertThat(names.resource("spa-routing", 64)).isEqualTo("notes-prod-spa-routing");
    }

    @Test
    void shortensLongNamesStablyAndKeepsThemApart() {
        String app = "a-very-long-application-name-ab";
        StackNames one = new StackNames(app, "an-equally-long-environment-one");
        StackNames two = new StackNames(app, "an-equally-long-environment-two");
        String name = one.resource("spa-routing", 64);
        assertThat(name).hasSizeLessThanOrEqualTo(64).startsWith("a-very-long").endsWith("-spa-routing");
        assertThat(one.resource("spa-routing", 64)).isEqualTo(name);
        assertThat(two.resource("spa-routing", 64)).isNotEqualTo(name).hasSizeLessThanOrEqualTo(64);
    }
}
