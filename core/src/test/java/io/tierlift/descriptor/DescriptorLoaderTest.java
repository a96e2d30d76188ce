package io.tierlift.descriptor;

import io.tierlift.diag.InvalidDescriptorException;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Role;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DescriptorLoaderTest {
    static final String VALID = """
            app: notes
            backend: { wsgi: "notes.app:app" }
            database:
              name: notes
              user: notes
              password: "${env:NOTES_DB_PASSWORD}"
              replication_password: "${env:NOTES_REPLICATION_PASSWORD}"
            targets:
              onprem:
                domain: notes.example.com
                hosts:
                  edge1: { address: 10.0.1.10, zone: dmz, roles: [waf, proxy, static] }
                  app1:  { address: 10.0.2.11, roles: [app] }
                  app2:  { address: 10.0.2.12, roles: [app] }
                  db1:   { address: 10.0.3.21, roles: [db-primary] }
                  db2:   { address: 10.0.3.22, roles: [db-standby] }
              aws-iaas: { region: eu-west-1, allow_http: true }
            environments:
              staging:
                targets:
                  aws-iaas: { scaling: { min: 1 } }
            """;

    private LoadedDescriptor load(String yaml, String env) {
        return new DescriptorLoader().load("app.yaml", yaml, Path.of("/tmp"), Optional.ofNullable(env));
    }

    private String errorsOf(String yaml) {
        try {
            load(yaml, null);
        } catch (InvalidDescriptorException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the descriptor to be invalid");
    }

    @Test
    void loadsTypedModelWithDefaults() {
        AppDescriptor d = load(VALID, null).descriptor();
        assertThat(d.app()).isEqualTo("notes");
        assertThat(d.backend().port()).isEqualTo(8000);
        assertThat(d.backend().health()).isEqualTo("/api/health");
        assertThat(d.database().version()).isEqualTo(15);
        var onprem = d.targets().onprem().orElseThrow();
        assertThat(onprem.hosts()).extracting("name").containsExactly("edge1", "app1", "app2", "db1", "db2");
        assertThat(onprem.hostsWith(Role.APP)).hasSize(2);
        assertThat(onprem.appRoot()).isEqualTo("/srv/notes");
        assertThat(onprem.waf().paranoia()).isEqualTo(1);
        assertThat(d.targets().awsIaas().orElseThrow().scaling().min()).isEqualTo(2);
        assertThat(d.targets().awsIaas().orElseThrow().database().engineVersion()).isEqualTo("15");
    }

    @Test
    void environmentOverlayMergesOverBase() {
        AppDescriptor d = load(VALID, "staging").descriptor();
        assertThat(d.targets().awsIaas().orElseThrow().scaling().min()).isEqualTo(1);
        assertThat(d.targets().awsIaas().orElseThrow().scaling().max()).isEqualTo(6);
        assertThat(d.environment()).isEqualTo("staging");
    }

    @Test
    void unknownEnvironmentIsAnError() {
        assertThatThrownBy(() -> load(VALID, "prod")).hasMessageContaining("no environment named 'prod' (known: staging)");
    }

    @Test
    void reportsEveryProblemWithPositionAndSuggestion() {
        String bad = VALID.replace("address: 10.0.2.11", "address: \"10.0.2.11;\"")
                .replace("domain: notes", "domian: notes");
        String message = errorsOf(bad);
        assertThat(message).contains("app.yaml:13:25: targets.onprem.hosts.app1.address: not an IP address or host name");
        assertThat(message).contains("targets.onprem.domian: unknown key 'domian'; did you mean 'domain'?");
        assertThat(message).contains("missing required key 'domain'");
    }

    @Test
    void plainPasswordIsRefused() {
        assertThat(errorsOf(VALID.replace("\"${env:NOTES_DB_PASSWORD}\"", "hunter2")))
                .contains("database.password: secrets must be references, not values")
                .doesNotContain("hunter2");
    }

    @Test
    void topologyRules() {
        String twoPrimaries = VALID.replace("roles: [db-standby]", "roles: [db-primary]");
        assertThat(errorsOf(twoPrimaries)).contains("exactly one host must have role db-primary, found 2 (db1, db2)");
        String noWafHost = VALID.replace("roles: [waf, proxy, static]", "roles: [proxy, static]");
        assertThat(errorsOf(noWafHost)).contains("targets.onprem.waf.crs: the WAF is on but no host has role waf");
        String duplicateAddress = VALID.replace("10.0.2.12", "10.0.2.11");
        assertThat(errorsOf(duplicateAddress)).contains("address 10.0.2.11 is already used by host app1");
    }

    @Test
    void oneAppHostIsAWarning() {
        String oneApp = VALID.replace("      app2:  { address: 10.0.2.12, roles: [app] }\n", "");
        LoadedDescriptor loaded = load(oneApp, null);
        assertThat(loaded.warnings()).singleElement().asString().contains("only one app host (app1)");
    }

    @Test
    void yamlBombIsRefused() {
        StringBuilder yaml = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char p = (char) (c - 1);
            yaml.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
                    .append(p).append(", *").append(p).append(", *").append(p).append("]\n");
        }
        assertThat(errorsOf(yaml.toString())).contains("app.yaml:1:1: YAML:").containsIgnoringCase("aliases");
    }
}
