package io.tierlift.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the machine sandbox writes and runs, checked without booting anything. */
class MachineConfigTest {

    private static final DebianMirrors MIRRORS = new DebianMirrors(URI.create("http://deb.debian.org/debian"),
            Optional.of(URI.create("http://deb.debian.org/debian-security")));

    @Test
    void mirrorsAreReadFromDeb822SourcesLikeThisMachines(@TempDir Path apt) throws IOException {
        Files.createDirectories(apt.resolve("sources.list.d"));
        Files.writeString(apt.resolve("sources.list.d/debian.sources"), """
                Types: deb
                # http://snapshot.debian.org/archive/debian/20250520T000000Z
                URIs: http://deb.debian.org/debian
                Suites: bookworm bookworm-updates
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://deb.debian.org/debian-security
                Suites: bookworm-security
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
                """);

        assertThat(DebianMirrors.read(apt)).isEqualTo(MIRRORS);
    }

    @Test
    void mirrorsAreReadFromAOneLineSourcesListWithOptions(@TempDir Path apt) throws IOException {
        Files.writeString(apt.resolve("sources.list"), """
                # a comment
                deb-src http://src.example.org/debian bookworm main
                deb [arch=amd64 signed-by=/k.gpg] http://mirror.example.org/debian/ bookworm main contrib
                deb http://mirror.example.org/debian bookworm-updates main
                """);

        DebianMirrors mirrors = DebianMirrors.read(apt);

        assertThat(mirrors.archive()).isEqualTo(URI.create("http://mirror.example.org/debian"));
        assertThat(mirrors.security()).isEmpty();
    }

    @Test
    void noHttpMirrorIsRefusedNamingWhereItLooked(@TempDir Path apt) throws IOException {
        Files.writeString(apt.resolve("sources.list"), "deb https://secure.example.org/debian bookworm main\n");

        assertThatThrownBy(() -> DebianMirrors.read(apt))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("no http Debian mirror")
                .hasMessageContaining(apt.resolve("sources.list").toString());
    }

    @Test
    void theCacheListensOnlyOnTheBridgeAndRemapsToThisMachinesMirrors() {
        String conf = AptCache.config("10.231.0.1", MIRRORS, Path.of("/var/cache/tierlift/apt-cacher-ng"),
                Path.of("/root/.tierlift/sandbox/apt-cacher-ng"));

        assertThat(conf.lines()).contains(
                "BindAddress: 10.231.0.1",
                "Port: 3142",
                "CacheDir: /var/cache/tierlift/apt-cacher-ng",
                "PidFile: /root/.tierlift/sandbox/apt-cacher-ng/pid",
                "SocketPath: /root/.tierlift/sandbox/apt-cacher-ng/socket",
                "ForeGround: 1",
                "Remap-debrep: deb.debian.org/debian ; http://deb.debian.org/debian/",
                "Remap-secdeb: deb.debian.org/debian-security ; http://deb.debian.org/debian-security/");
    }

    @Test
    void machinesAptSourcesNameOnlyTheCacheWithTheReleasesSuites() {
        String sources = MachineRoot.aptSources("10.231.0.1", MachineOs.DEBIAN13, MIRRORS);

        assertThat(sources).contains("URIs: http://10.231.0.1:3142/deb.debian.org/debian\n")
                .contains("Suites: trixie trixie-updates\n")
                .contains("URIs: http://10.231.0.1:3142/deb.debian.org/debian-security\n")
                .contains("Suites: trixie-security\n");
        assertThat(sources.lines().filter(l -> l.startsWith("URIs:")))
                .allMatch(l -> l.startsWith("URIs: http://10.231.0.1:3142/"));
    }

    @Test
    void theMachineAddressesItselfWithoutAGateway() {
        String network = MachineRoot.networkFile("10.231.0.11", 24);

        assertThat(network).contains("Name=eth0").contains("Address=10.231.0.11/24");
        assertThat(network).doesNotContain("Gateway").doesNotContain("DHCP");
    }

    @Test
    void rootLoginIsRefusedAndDeployHasPasswordlessSudo() {
        assertThat(MachineRoot.sshdDropIn().lines()).contains("PermitRootLogin no", "PasswordAuthentication no");
        assertThat(MachineRoot.sudoers()).isEqualTo("deploy ALL=(ALL:ALL) NOPASSWD: ALL\n");
    }

    @Test
    void nspawnBootsSystemdInTheHostsNamespaceWithoutTheSystemBus() {
        List<String> argv = NspawnMachines.nspawnArgv(Path.of("/s/hosts/app1/root"), "tl-br0-app1", "app1",
                "tl-br0-app1");

        assertThat(argv).containsExactly("systemd-nspawn", "--directory=/s/hosts/app1/root", "--boot",
                "--register=no", "--keep-unit", "--machine=tl-br0-app1", "--hostname=app1",
                "--network-namespace-path=/run/netns/tl-br0-app1", "--capability=CAP_NET_ADMIN",
                "--link-journal=no", "--console=read-only");
    }

    @Test
    void debootstrapInstallsOnlyAFreshServersPackages() {
        assertThat(BaseRoots.debootstrapArgv(MachineOs.DEBIAN12, Path.of("/c/base.building-1"), MIRRORS))
                .containsExactly("debootstrap", "--variant=minbase",
                        "--include=systemd,systemd-sysv,dbus,openssh-server,sudo,python3,iproute2",
                        "bookworm", "/c/base.building-1", "http://deb.debian.org/debian");
    }

    @Test
    void aMissingMachineToolIsNamedWithItsPackage() {
        SandboxPreflightTest.FakeMachine machine = new SandboxPreflightTest.FakeMachine("0", "systemd-nspawn");

        assertThatThrownBy(() -> new SandboxPreflight(machine).checkMachines(MachineHosts.REQUIRED))
                .isInstanceOf(SandboxException.class)
                .hasMessageContaining("systemd-nspawn")
                .hasMessageContaining("apt-get install -y systemd-container");
    }

    @Test
    void releasesAreChosenByTheirCommandLineNames() {
        assertThat(MachineOs.parse("debian13").codename()).isEqualTo("trixie");
        assertThatThrownBy(() -> MachineOs.parse("ubuntu24")).hasMessageContaining("debian12, debian13");
    }

    @Test
    void aStateFileOfMachinesSurvivesTheRoundTrip(@TempDir Path dir) {
        StateStore store = new StateStore(dir.resolve("state.json"));
        SandboxSpec spec = TestSpecs.spec("mct", 233, "a");
        StateFile state = new StateFile(StateFile.VERSION, spec, List.of(new StateFile.HostRuntime("a",
                spec.host("a").address(), "ns", "veth", 10, 11, 12, 13)),
                new StateFile.MachineRuntime(MachineOs.DEBIAN12, 42, 43));

        store.write(state);

        assertThat(store.read()).contains(state);
    }
}
