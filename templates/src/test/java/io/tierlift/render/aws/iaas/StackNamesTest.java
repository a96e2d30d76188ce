package io.tierlift.render.aws.iaas;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StackNamesTest {
    @Test
    void namesStacksAppEnvTierStack() {
        StackNames names = new StackNames("notes", "prod", StackNames.IAAS);
        assertThat(names.stack("network")).isEqualTo("notes-prod-iaas-network");
        assertThat(names.resource("spa-routing", 64)).isEqualTo("notes-prod-iaas-spa-routing");
    }

    @Test
    void theTwoAwsTiersNeverShareAName() {
        StackNames iaas = new StackNames("notes", "prod", StackNames.IAAS);
        StackNames serverless = new StackNames("notes", "prod", StackNames.SERVERLESS);
        for (String key : new String[]{"artifacts", "network", "data", "waf", "static"}) {
            assertThat(iaas.stack(key)).isNotEqualTo(serverless.stack(key));
        }
        assertThat(iaas.resource("site", 64)).isNotEqualTo(serverless.resource("site", 64));
    }

    @Test
    void shortensLongNamesStablyAndKeepsThemApart() {
        String app = "a-very-long-application-name-ab";
        StackNames one = new StackNames(app, "an-equally-long-environment-one", StackNames.IAAS);
        StackNames two = new StackNames(app, "an-equally-long-environment-two", StackNames.IAAS);
        String name = one.resource("spa-routing", 64);
        assertThat(name).hasSizeLessThanOrEqualTo(64).startsWith("a-very-long").endsWith("-spa-routing");
        assertThat(one.resource("spa-routing", 64)).isEqualTo(name);
        assertThat(two.resource("spa-routing", 64)).isNotEqualTo(name).hasSizeLessThanOrEqualTo(64);
    }
}
