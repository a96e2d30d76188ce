package io.tierlift.onprem.destroy;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.deploy.DeployOptions;
import io.tierlift.onprem.deploy.HostFailure;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.onprem.ssh.SshException;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A destroy that cannot reach every host, or finds a deploy running, changes nothing anywhere. */
class OnpremTeardownTest {
    private final AppDescriptor app = new DescriptorLoader()
            .load(Path.of("../../examples/notes/sandbox.yaml"), Optional.empty()).descriptor();
    private final TeardownPlan plan = TeardownPlan.of(app, OnpremRenderer.allRoles(new FreemarkerEngine()).render(app, SecretView.masked()),
            true, Path.of("/nonexistent/notes.dump"));
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    private Connector hosts(String unreachable, int leaseExit) {
        return host -> {
            if (host.name().equals(unreachable)) {
                throw new SshException(host.name() + ": ssh: connect to host " + host.address() + " port 22: No route to host");
            }
            return new Connection() {
                @Override
                public String host() {
                    return host.name();
                }

                @Override
                public ExecResult run(RemoteCommand command, byte[] stdin) {
                    String text = String.join(" ", command.argv());
                    ran.add(host.name() + ": " + text);
                    boolean lease = text.contains("ln \"$t\" \"$f\"");
                    return new ExecResult(lease && host.name().equals("db2") ? leaseExit : 0, new byte[0],
                            lease && leaseExit != 0 ? "owner=someone-else\nexpires=9999999999" : "");
                }

                @Override
                public void close() {
                }
            };
        };
    }

    @Test
    void anUnreachableHostFailsTheDestroyNamingItBeforeAnyCommandRuns() {
        assertThatThrownBy(() -> new OnpremTeardown(hosts("db2", 0), (scope, message) -> { }).run(app, plan, DeployOptions.defaults()))
                .isInstanceOf(HostFailure.class)
                .hasMessageContaining("db2").hasMessageContaining("nothing was changed").hasMessageContaining("No route to host");
        assertThat(ran).as("commands run on the reachable hosts").isEmpty();
    }

    @Test
    void aDeployHoldingTheLeaseOnOneHostStopsTheDestroyAndTheOtherLeasesAreGivenBack() {
        assertThatThrownBy(() -> new OnpremTeardown(hosts("none", 3), (scope, message) -> { }).run(app, plan, DeployOptions.defaults()))
                .isInstanceOf(HostFailure.class)
                .hasMessageContaining("db2").hasMessageContaining("a deploy holds the lease").hasMessageContaining("destroy changed nothing");
        assertThat(ran).as("only leases taken and given back").allMatch(line -> line.contains("/var/lib/tierlift/"));
        assertThat(ran).noneMatch(line -> line.contains("pg_dump") || line.contains("pg_dropcluster") || line.contains("rm -rf"));
        for (Host host : app.targets().onprem().orElseThrow().hosts()) {
            if (!host.name().equals("db2")) {
                assertThat(ran).as(host.name() + " got its lease back").anyMatch(line -> line.startsWith(host.name() + ": ")
                        && line.contains("rm -f \"$f\"") && !line.contains("mktemp"));
            }
        }
    }
}
