package io.tierlift.onprem.tier;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.tier.DeployRequest;
import io.tierlift.tier.DnsRecords;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import io.tierlift.tier.TierScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The release is built and checked on the operator's machine before any host: a requirement that
 * the package index does not have fails the deploy as the operator's problem (a TierFailure naming
 * the requirement and the index), and no host is sent a single command. pip runs for real against
 * a local, empty index (and this machine's configured local ones), never a network index.
 */
class OnpremReleaseCheckTest {
    private static final String DESCRIPTOR = """
            app: todo
            frontend: { path: web, dist: web/dist }
            backend: { path: api, wsgi: "todo.app:app" }
            database: { name: todo, user: todo, password: "${env:TODO_DB_PASSWORD}" }
            targets:
              onprem:
                ssh: { user: root }
                domain: todo.example.test
                waf: { crs: true, paranoia: 1 }
                hosts:
                  edge1: { address: 10.9.0.10, zone: dmz, roles: [waf, proxy, static] }
                  app1:  { address: 10.9.0.21, zone: trusted, roles: [app] }
                  app2:  { address: 10.9.0.22, zone: trusted, roles: [app] }
                  db1:   { address: 10.9.0.31, zone: trusted, roles: [db-primary] }
            """;

    @TempDir
    Path repo;

    private final List<String> commands = new CopyOnWriteArrayList<>();

    @Test
    void aRequirementTheIndexLacksStopsTheDeployBeforeAnyHostWithTheRequirementAndTheIndex() throws IOException {
        write("api/requirements.txt", "flask==3.1.3\ntierlift-no-such-project==1.0.0\n");
        write("api/todo/__init__.py", "");
        write("api/todo/app.py", "from flask import Flask\napp = Flask(__name__)\n");
        write("web/dist/index.html", "<!doctype html><title>todo</title>");
        Path index = Files.createDirectories(repo.resolve("empty-index/simple"));
        AppDescriptor descriptor = new DescriptorLoader().load("app.yaml", DESCRIPTOR, repo, Optional.empty()).descriptor();
        TierContext context = new TierContext(Map.of("PIP_INDEX_URL", index.toUri().toString(), "TODO_DB_PASSWORD", "unused"),
                (scope, message) -> { }, Clock.systemUTC(), "test");
        Tier tier = new OnpremTierFactory(context, (target, accept) -> new RecordingHosts(), DnsRecords.none())
                .open(TierScope.of(descriptor));

        assertThatThrownBy(() -> tier.deploy(DeployRequest.unattended("digest")))
                .isInstanceOf(TierFailure.class)
                .hasMessageContaining("no wheel of tierlift-no-such-project==1.0.0")
                .hasMessageContaining("pip searched indexes " + index.toUri().toString())
                .hasMessageContaining("api/requirements.txt")
                .hasMessageEndingWith("No host was changed.");
        assertThat(commands).as("commands sent to hosts").isEmpty();
    }

    private void write(String path, String text) throws IOException {
        Path file = repo.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Hosts that accept a connection and record every command they are sent. */
    private final class RecordingHosts implements Connector {
        @Override
        public Connection connect(Host host) {
            return new Connection() {
                @Override
                public String host() {
                    return host.name();
                }

                @Override
                public ExecResult run(RemoteCommand command, byte[] stdin) {
                    commands.add(host.name() + ": " + String.join(" ", command.argv()));
                    return new ExecResult(0, new byte[0], "");
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
