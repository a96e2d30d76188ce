package io.tierlift.onprem.deploy;

import io.tierlift.onprem.command.PackageCommands;
import io.tierlift.onprem.facts.PackageFacts;
import io.tierlift.onprem.release.LocalShell;
import io.tierlift.onprem.ssh.ExecResult;
import org.junit.jupiter.api.Test;

import java.util.List;
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
}
