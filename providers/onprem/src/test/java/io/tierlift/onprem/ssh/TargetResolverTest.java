package io.tierlift.onprem.ssh;

import io.tierlift.model.Host;
import io.tierlift.model.Role;
import io.tierlift.model.SshSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetResolverTest {
    @TempDir
    Path home;
    SshEnvironment env;

    @BeforeEach
    void setUp() {
        env = new SshEnvironment("localme", home, Optional.empty());
    }

    static SshSettings settings() {
        return new SshSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(10), 32, true);
    }

    static Host host(String name, String address) {
        return new Host(name, address, "trusted", Set.of(Role.APP), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Host host(String name, String address, String sshHost, Integer sshPort) {
        return new Host(name, address, "trusted", Set.of(Role.APP), Optional.ofNullable(sshHost),
                Optional.ofNullable(sshPort), Optional.empty());
    }

    private TargetResolver resolver(SshSettings settings, String config) {
        return new TargetResolver(settings, OpenSshConfig.parse(config, "cfg", home.resolve(".ssh")), env, false);
    }

    @Test
    void defaultsAreTheLocalUserPort22AndTheDefaultKeysThatExist() throws IOException {
        Path sshDir = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(sshDir.resolve("id_rsa"), "x");
        Files.writeString(sshDir.resolve("id_ed25519"), "x");
        SshTarget target = resolver(settings(), "").resolve(host("app1", "10.0.2.11"));
        assertThat(target.hostName()).isEqualTo("10.0.2.11");
        assertThat(target.user()).isEqualTo("localme");
        assertThat(target.port()).isEqualTo(22);
        assertThat(target.identityFiles()).extracting(SshTarget.KeyFile::path)
                .containsExactly(sshDir.resolve("id_ed25519"), sshDir.resolve("id_rsa"));
        assertThat(target.knownHostsFiles()).containsExactly(sshDir.resolve("known_hosts"));
        assertThat(target.acceptNewHostKeys()).isFalse();
        assertThat(target.serverAliveInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(target.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(target.via()).isEmpty();
    }

    @Test
    void configFillsWhatTheDescriptorLeavesOpen() {
        String config = """
                Host app*
                  HostName %h.internal.example
                  User deploy
                  Port 2222
                  IdentityFile ~/.ssh/deploy_%r_%h
                  UserKnownHostsFile ~/.ssh/known_hosts.d/%n
                  ServerAliveInterval 5
                  IdentitiesOnly yes
                """;
        SshTarget target = resolver(settings(), config).resolve(host("app1", "10.0.2.11", "app1", null));
        assertThat(target.hostName()).isEqualTo("app1.internal.example");
        assertThat(target.user()).isEqualTo("deploy");
        assertThat(target.port()).isEqualTo(2222);
        assertThat(target.identityFiles()).containsExactly(
                new SshTarget.KeyFile(home.resolve(".ssh/deploy_deploy_app1.internal.example"), false));
        assertThat(target.knownHostsFiles()).containsExactly(home.resolve(".ssh/known_hosts.d/app1"));
        assertThat(target.serverAliveInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(target.identitiesOnly()).isTrue();
    }

    @Test
    void descriptorOverridesTheConfig() {
        String config = """
                Host *
                  User configuser
                  Port 2222
                  IdentityFile ~/.ssh/config_key
                  UserKnownHostsFile ~/.ssh/config_known
                """;
        SshSettings settings = new SshSettings(Optional.of("descuser"), Optional.of("~/keys/desc_key"),
                Optional.of("/etc/tierlift/known_hosts"), Optional.empty(), Optional.of(2200),
                Duration.ofSeconds(3), 8, true);
        TargetResolver resolver = resolver(settings, config);

        SshTarget target = resolver.resolve(host("app1", "10.0.2.11"));
        assertThat(target.user()).isEqualTo("descuser");
        assertThat(target.port()).isEqualTo(2200);
        assertThat(target.identityFiles()).containsExactly(new SshTarget.KeyFile(home.resolve("keys/desc_key"), true));
        assertThat(target.knownHostsFiles()).containsExactly(Path.of("/etc/tierlift/known_hosts"));
        assertThat(target.connectTimeout()).isEqualTo(Duration.ofSeconds(3));

        // a host's own ssh_port beats ssh.port, which beats the config
        assertThat(resolver.resolve(host("app2", "10.0.2.12", null, 2022)).port()).isEqualTo(2022);
    }

    @Test
    void sshHostIsTheNameLookedUpInTheConfigAndAddressIsOnlyTheFallback() {
        String config = """
                Host app1-mgmt
                  HostName 192.168.9.11
                Host 10.0.2.*
                  User byaddress
                """;
        TargetResolver resolver = resolver(settings(), config);
        SshTarget viaAlias = resolver.resolve(host("app1", "10.0.2.11", "app1-mgmt", null));
        assertThat(viaAlias.hostName()).isEqualTo("192.168.9.11");
        assertThat(viaAlias.user()).isEqualTo("localme");
        SshTarget byAddress = resolver.resolve(host("app2", "10.0.2.12"));
        assertThat(byAddress.hostName()).isEqualTo("10.0.2.12");
        assertThat(byAddress.user()).isEqualTo("byaddress");
    }

    @Test
    void proxyJumpHopsAreResolvedThroughTheSameConfig() {
        String config = """
                Host 10.0.2.*
                  ProxyJump ops@bastion:2201,inner
                Host bastion
                  HostName 203.0.113.5
                  User ignored-because-the-hop-names-one
                  IdentityFile ~/.ssh/bastion_key
                Host inner
                  HostName 10.0.1.1
                  ProxyJump somewhere-else
                Host *
                  User deploy
                """;
        SshSettings settings = new SshSettings(Optional.of("root"), Optional.of("/keys/desc"), Optional.empty(),
                Optional.empty(), Optional.of(2200), Duration.ofSeconds(10), 32, true);
        SshTarget target = resolver(settings, config).resolve(host("app1", "10.0.2.11"));

        assertThat(target.user()).isEqualTo("root");
        assertThat(target.port()).isEqualTo(2200);
        SshTarget inner = target.via().orElseThrow();
        assertThat(inner.hostName()).isEqualTo("10.0.1.1");
        // the descriptor's user and port are for the hosts, not the jump hosts
        assertThat(inner.user()).isEqualTo("deploy");
        assertThat(inner.port()).isEqualTo(22);
        SshTarget bastion = inner.via().orElseThrow();
        assertThat(bastion.hostName()).isEqualTo("203.0.113.5");
        assertThat(bastion.user()).isEqualTo("ops");
        assertThat(bastion.port()).isEqualTo(2201);
        assertThat(bastion.identityFiles()).extracting(SshTarget.KeyFile::path)
                .containsExactly(home.resolve(".ssh/bastion_key"), Path.of("/keys/desc"));
        assertThat(bastion.via()).isEmpty();
        assertThat(target.describe()).isEqualTo("root@10.0.2.11:2200 via deploy@10.0.1.1:22 via ops@203.0.113.5:2201");
    }

    @Test
    void theFirstHopFollowsItsOwnProxyJump() {
        String config = """
                Host app1
                  ProxyJump bastion
                Host bastion
                  ProxyJump outer
                """;
        SshTarget target = resolver(settings(), config).resolve(host("app1", "10.0.2.11", "app1", null));
        assertThat(target.via().orElseThrow().hostName()).isEqualTo("bastion");
        assertThat(target.via().orElseThrow().via().orElseThrow().hostName()).isEqualTo("outer");
    }

    @Test
    void jumpLoopsAreRefused() {
        String config = """
                Host *
                  ProxyJump bastion
                """;
        assertThatThrownBy(() -> resolver(settings(), config).resolve(host("app1", "10.0.2.11")))
                .isInstanceOf(SshConfigException.class)
                .hasMessageContaining("Host * !bastion");
    }

    @Test
    void proxyJumpNoneMeansDirect() {
        String config = """
                Host app1
                  ProxyJump none
                Host *
                  ProxyJump bastion
                """;
        assertThat(resolver(settings(), config).resolve(host("app1", "a", "app1", null)).via()).isEmpty();
    }

    @Test
    void acceptNewComesFromTheFlagOrTheConfigButNeverFromYes() {
        String config = """
                Host lax
                  StrictHostKeyChecking no
                Host new
                  StrictHostKeyChecking accept-new
                Host strict
                  StrictHostKeyChecking yes
                """;
        TargetResolver resolver = resolver(settings(), config);
        assertThat(resolver.resolve(host("a", "x", "lax", null)).acceptNewHostKeys()).isTrue();
        assertThat(resolver.resolve(host("b", "x", "new", null)).acceptNewHostKeys()).isTrue();
        assertThat(resolver.resolve(host("c", "x", "strict", null)).acceptNewHostKeys()).isFalse();
        TargetResolver flagged = new TargetResolver(settings(), OpenSshConfig.parse(config, "cfg", home), env, true);
        assertThat(flagged.resolve(host("c", "x", "strict", null)).acceptNewHostKeys()).isTrue();
    }

    @Test
    void agentSocketFromTheEnvironmentUnlessTheConfigSaysOtherwise() {
        env = new SshEnvironment("localme", home, Optional.of(Path.of("/run/agent.sock")));
        String config = """
                Host noagent
                  IdentityAgent none
                Host otheragent
                  IdentityAgent ~/agent.sock
                """;
        TargetResolver resolver = resolver(settings(), config);
        assertThat(resolver.resolve(host("a", "plain")).agentSocket()).contains(Path.of("/run/agent.sock"));
        assertThat(resolver.resolve(host("b", "x", "noagent", null)).agentSocket()).isEmpty();
        assertThat(resolver.resolve(host("c", "x", "otheragent", null)).agentSocket()).contains(home.resolve("agent.sock"));
    }

    @Test
    void hostNameAllowsOnlyPercentH() {
        assertThatThrownBy(() -> resolver(settings(), "Host a\n HostName %r.x\n").resolve(host("a", "a")))
                .hasMessageContaining("%h");
    }

    @Test
    void configFileIsTheDescriptorsElseTheHomeOne() throws IOException {
        Path sshDir = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(sshDir.resolve("config"), "Host *\n User fromhome\n");
        Path other = Files.writeString(home.resolve("other_config"), "Host *\n User fromdescriptor\n");
        assertThat(TargetResolver.loadConfig(settings(), env).lookup("x").user()).contains("fromhome");
        SshSettings withConfig = new SshSettings(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("~/other_config"), Optional.empty(), Duration.ofSeconds(10), 32, true);
        assertThat(TargetResolver.loadConfig(withConfig, env).lookup("x").user()).contains("fromdescriptor");
        Files.delete(other);
        assertThatThrownBy(() -> TargetResolver.loadConfig(withConfig, env))
                .hasMessageContaining("other_config").hasMessageContaining("does not exist");
        Files.delete(sshDir.resolve("config"));
        assertThat(TargetResolver.loadConfig(settings(), env).lookup("x").user()).isEmpty();
        assertThat(List.of(home)).isNotEmpty();
    }
}
