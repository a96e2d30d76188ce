package io.tierlift.onprem.deploy;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.onprem.command.PackageCommands;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.facts.FileFact;
import io.tierlift.onprem.facts.HostState;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.facts.PackageFacts;
import io.tierlift.onprem.release.LocalShell;
import io.tierlift.onprem.ssh.ExecResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What a host's package sources offer, asked of this machine's own apt (a Debian 12 machine with its lists). */
class PackageSourcesTest {
    private final PackageCommands commands = new PackageCommands();

    @Test
    void aPackageTheSourcesOfferHasACandidateAndAnUnknownOneIsUnavailable() {
        ExecResult answer = new LocalShell().run(commands.candidates(List.of("nginx", "tierlift-no-such-package")));
        assertThat(answer.exitCode()).as(answer.stderr()).isZero();

        PackageFacts facts = PackageSources.read(PackageFacts.installed(Set.of()), answer.out());

        assertThat(facts.listsPresent()).isTrue();
        assertThat(facts.candidate("nginx")).get().asString().matches("[0-9][0-9a-z.:+~-]*");
        List<String> wanted = List.of("nginx", "tierlift-no-such-package");
        assertThat(facts.unavailable(wanted)).containsExactly("tierlift-no-such-package");
    }

    @Test
    void withoutPackageListsNothingIsCalledUnavailableYet() {
        PackageFacts facts = PackageSources.read(PackageFacts.installed(Set.of()), "LISTS no\n");
        assertThat(facts.unavailable(List.of("postgresql-17"))).isEmpty();
        assertThat(facts.missing(List.of("postgresql-17"))).containsExactly("postgresql-17");
    }

    @Test
    void aCandidateOfNoneIsUnavailable() {
        PackageFacts facts = PackageSources.read(PackageFacts.installed(Set.of("nftables")),
                "LISTS yes\nCANDIDATE postgresql-17 (none)\nCANDIDATE nginx 1.22.1-9\n");
        assertThat(facts.unavailable(List.of("nftables", "nginx", "postgresql-17"))).containsExactly("postgresql-17");
        assertThat(facts.missing(List.of("nftables", "nginx", "postgresql-17"))).containsExactly("nginx", "postgresql-17");
    }

    @Test
    void theInstallNeverStartsServicesOrADefaultClusterAndTakesThePackagesAsParameters() {
        var command = commands.install(List.of("nginx", "postgresql-15"), true);
        assertThat(command.argv()).endsWith("yes", "nginx", "postgresql-15");
        String script = command.argv().get(2);
        assertThat(script).contains("create_main_cluster = false").contains("exit 101")
                .contains("trap 'rm -f /usr/sbin/policy-rc.d' EXIT").contains("apt-get -q update")
                .doesNotContain("nginx").doesNotContain("postgresql-15");
    }

    /** A connection that answers each command with the next of {@code answers}, recording the scripts it ran. */
    private static Connection scripted(List<String> answers, List<String> scripts) {
        List<String> left = new ArrayList<>(answers);
        return new Connection() {
            @Override
            public String host() {
                return "db1";
            }

            @Override
            public ExecResult run(RemoteCommand command, byte[] stdin) {
                scripts.add(command.toString());
                return new ExecResult(0, left.remove(0).getBytes(StandardCharsets.UTF_8), "");
            }

            @Override
            public void close() {
            }
        };
    }

    private static HostState readFrom(Connection connection, List<String> wanted) {
        Host db1 = new Host("db1", "10.0.0.21", "trusted", Set.of(Role.DB_PRIMARY), Optional.empty(), Optional.empty(), Optional.empty());
        HostState bare = new HostState("db1", true, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), false, false, Optional.empty(), Map.<String, FileFact>of(), List.of(), List.of(), List.of(),
                List.of(), Optional.empty(), Optional.empty(), PackageFacts.installed(Set.of()), Optional.of("3.11"));
        return new PackageSources().complete(new HostSession(db1, connection), bare, wanted);
    }

    @Test
    void aHostWithoutPackageListsDownloadsThemSoAnUnavailableVersionIsKnownBeforeAnyChange() {
        List<String> scripts = new ArrayList<>();
        Connection connection = scripted(List.of("LISTS no\n", "",
                "LISTS yes\nCANDIDATE postgresql-17 (none)\nCANDIDATE nftables 1.0.6-2\n"), scripts);

        HostState read = readFrom(connection, List.of("nftables", "postgresql-17"));

        assertThat(scripts).hasSize(3);
        assertThat(scripts.get(1)).contains("apt-get -q update").doesNotContain("install");
        assertThat(read.packages().listsPresent()).isTrue();
        assertThat(read.packages().unavailable(List.of("nftables", "postgresql-17"))).containsExactly("postgresql-17");
    }

    @Test
    void aHostWithPackageListsIsAskedOnce() {
        List<String> scripts = new ArrayList<>();
        Connection connection = scripted(List.of("LISTS yes\nCANDIDATE postgresql-15 15.20-0+deb12u1\n"), scripts);

        HostState read = readFrom(connection, List.of("postgresql-15"));

        assertThat(scripts).hasSize(1);
        assertThat(read.packages().candidate("postgresql-15")).isPresent();
    }
}
