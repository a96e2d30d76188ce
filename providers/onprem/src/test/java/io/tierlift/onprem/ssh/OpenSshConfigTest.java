package io.tierlift.onprem.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenSshConfigTest {
    private static OpenSshConfig parse(String text) {
        return OpenSshConfig.parse(text, "cfg", Path.of("/home/op/.ssh"));
    }

    @Test
    void firstValueWinsAcrossMatchingBlocks() {
        OpenSshConfig config = parse("""
                Host web1
                  User alice
                  Port 2201
                Host web*
                  User bob
                  Port 2202
                  HostName %h.internal
                Host *
                  User carol
                """);
        HostOptions web1 = config.lookup("web1");
        assertThat(web1.user()).contains("alice");
        assertThat(web1.port()).contains(2201);
        assertThat(web1.hostName()).contains("%h.internal");
        HostOptions web2 = config.lookup("web2");
        assertThat(web2.user()).contains("bob");
        assertThat(web2.port()).contains(2202);
        assertThat(config.lookup("db1").user()).contains("carol");
        assertThat(config.lookup("db1").port()).isEmpty();
    }

    @Test
    void directivesBeforeAnyHostApplyToAll() {
        OpenSshConfig config = parse("""
                User early
                Host x
                  User late
                """);
        assertThat(config.lookup("x").user()).contains("early");
        assertThat(config.lookup("y").user()).contains("early");
    }

    @Test
    void negatedPatternExcludesAHostEvenWhenAnotherPatternMatches() {
        OpenSshConfig config = parse("""
                Host *.example.com !bastion.example.com
                  ProxyJump bastion.example.com
                """);
        assertThat(config.lookup("app1.example.com").proxyJump()).contains("bastion.example.com");
        assertThat(config.lookup("bastion.example.com").proxyJump()).isEmpty();
        assertThat(config.lookup("app1.example.org").proxyJump()).isEmpty();
    }

    @Test
    void aLineWithOnlyNegatedPatternsMatchesNothing() {
        OpenSshConfig config = parse("""
                Host !bastion
                  User nobody-gets-this
                """);
        assertThat(config.lookup("web").user()).isEmpty();
        assertThat(config.lookup("bastion").user()).isEmpty();
    }

    @Test
    void severalPatternsPerLineAndQuestionMarkWildcard() {
        OpenSshConfig config = parse("""
                Host db? 10.0.3.*
                  User postgres
                """);
        assertThat(config.lookup("db1").user()).contains("postgres");
        assertThat(config.lookup("db12").user()).isEmpty();
        assertThat(config.lookup("10.0.3.21").user()).contains("postgres");
        assertThat(config.lookup("10.0.4.21").user()).isEmpty();
    }

    @Test
    void patternsAndKeywordsIgnoreCase() {
        OpenSshConfig config = parse("""
                HOST Web1
                  hostname 10.0.0.1
                """);
        assertThat(config.lookup("WEB1").hostName()).contains("10.0.0.1");
    }

    @Test
    void identityFilesAccumulateInOrder() {
        OpenSshConfig config = parse("""
                Host web1
                  IdentityFile ~/.ssh/web_key
                Host *
                  IdentityFile ~/.ssh/id_ed25519
                  IdentityFile "/keys/with space"
                """);
        assertThat(config.lookup("web1").identityFiles())
                .containsExactly("~/.ssh/web_key", "~/.ssh/id_ed25519", "/keys/with space");
        assertThat(config.lookup("other").identityFiles()).containsExactly("~/.ssh/id_ed25519", "/keys/with space");
    }

    @Test
    void equalsSignCommentsAndQuotes() {
        OpenSshConfig config = parse("""
                # a comment
                Host a
                  Port=2222
                  User = "deploy"   # trailing comment
                  UserKnownHostsFile ~/.ssh/kh1 '/tmp/k h2'
                  ConnectTimeout 7
                  ServerAliveInterval 30
                  ServerAliveCountMax 4
                  IdentitiesOnly yes
                  StrictHostKeyChecking Accept-New
                """);
        HostOptions a = config.lookup("a");
        assertThat(a.port()).contains(2222);
        assertThat(a.user()).contains("deploy");
        assertThat(a.userKnownHostsFiles()).containsExactly("~/.ssh/kh1", "/tmp/k h2");
        assertThat(a.connectTimeout()).contains(Duration.ofSeconds(7));
        assertThat(a.serverAliveInterval()).contains(Duration.ofSeconds(30));
        assertThat(a.serverAliveCountMax()).contains(4);
        assertThat(a.identitiesOnly()).contains(true);
        assertThat(a.strictHostKeyChecking()).contains("accept-new");
    }

    @Test
    void proxyJumpListIsKeptAsWritten() {
        OpenSshConfig config = parse("""
                Host target
                  ProxyJump ops@bastion1:2222,bastion2
                """);
        assertThat(config.lookup("target").proxyJump()).contains("ops@bastion1:2222,bastion2");
    }

    @Test
    void matchAllAppliesAndOtherMatchCriteriaNeverDo() {
        OpenSshConfig config = parse("""
                Match host web1 exec "true"
                  User from-match
                Match all
                  Port 2200
                Host web1
                  User from-host
                """);
        assertThat(config.lookup("web1").user()).contains("from-host");
        assertThat(config.lookup("web1").port()).contains(2200);
    }

    @Test
    void includeFollowsGlobsRelativeToTheSshDirectoryAndKeepsTheEnclosingBlock(@TempDir Path dir) throws IOException {
        Path sshDir = Files.createDirectories(dir.resolve(".ssh"));
        Files.createDirectories(sshDir.resolve("config.d"));
        Files.writeString(sshDir.resolve("config.d/10-web"), "Host web1\n  HostName 10.0.2.11\n");
        Files.writeString(sshDir.resolve("config.d/20-all"), "User deploy\n");
        Files.writeString(sshDir.resolve("only-prod"), "Port 2222\n");
        Path main = sshDir.resolve("config");
        Files.writeString(main, """
                Include config.d/*
                Host prod-*
                  Include only-prod
                Host *
                  User fallback
                """);
        OpenSshConfig config = OpenSshConfig.load(main, sshDir);
        assertThat(config.lookup("web1").hostName()).contains("10.0.2.11");
        // 20-all has no Host line of its own, so it applies wherever the Include stood: everywhere
        assertThat(config.lookup("web1").user()).contains("deploy");
        assertThat(config.lookup("prod-db").port()).contains(2222);
        assertThat(config.lookup("test-db").port()).isEmpty();
    }

    @Test
    void badValuesNameTheFileAndLine() {
        OpenSshConfig config = parse("Host a\n  Port twenty-two\n");
        assertThatThrownBy(() -> config.lookup("a").port())
                .isInstanceOf(SshConfigException.class)
                .hasMessageContaining("cfg:2")
                .hasMessageContaining("twenty-two");
        assertThatThrownBy(() -> parse("Host a\n  User \"unterminated\n"))
                .hasMessageContaining("cfg:2").hasMessageContaining("quote");
        assertThatThrownBy(() -> parse("Host\n")).hasMessageContaining("cfg:1");
    }

    @Test
    void tokenizerHandlesEqualsWithoutSpaces() {
        assertThat(OpenSshConfig.tokenize("Port=22", "x")).isEqualTo(List.of("Port", "22"));
        assertThat(OpenSshConfig.tokenize("  IdentityFile \"a b\" c", "x")).isEqualTo(List.of("IdentityFile", "a b", "c"));
        assertThat(OpenSshConfig.tokenize("# only a comment", "x")).isEmpty();
        assertThat(Optional.of(OpenSshConfig.tokenize("User a#b", "x"))).contains(List.of("User", "a#b"));
    }
}
