package io.tierlift.render.onprem.firewall;

import io.tierlift.provider.RenderedFile;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** nftables itself checks every rendered ruleset, inside a network namespace of the test's own. */
@Tag("real")
class NftablesRealTest {
    private static final Programs PROGRAMS = new Programs();
    private static NetworkNamespace namespace;
    private final FirewallRenderer renderer = new FirewallRenderer(new FreemarkerEngine());

    /** The rules files (each host also gets the boot unit that loads its file). */
    private List<RenderedFile> rulesets(io.tierlift.model.AppDescriptor d) {
        return HostcfgCases.render(renderer, d, SecretView.masked()).stream()
                .filter(f -> f.location().endsWith(FirewallRenderer.PATH)).toList();
    }

    @BeforeAll
    static void createNamespace() {
        PROGRAMS.require("/usr/sbin/nft", "nftables");
        namespace = NetworkNamespace.create(PROGRAMS, "tl-test-fw-" + ProcessHandle.current().pid());
    }

    @AfterAll
    static void deleteNamespace() {
        if (namespace != null) {
            namespace.close();
        }
    }

    static Stream<String> fixtures() {
        return HostcfgCases.fixtures();
    }

    private Path write(RenderedFile file) throws IOException {
        Path path = Files.createTempFile("tl-firewall-", ".nft");
        Files.write(path, file.content());
        return path;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void nftAcceptsTheRulesetOfEveryHost(String fixture) throws IOException {
        List<RenderedFile> files = rulesets(HostcfgCases.descriptor(fixture));
        assertThat(files).isNotEmpty();
        for (RenderedFile file : files) {
            Path path = write(file);
            try {
                PROGRAMS.ok(namespace.exec(List.of("nft", "-c", "-f", path.toString())));
            } finally {
                Files.delete(path);
            }
        }
    }

    @Test
    void nftRejectsABrokenRuleset() throws IOException {
        // Shows the check above can fail: the same file with a misspelt keyword.
        RenderedFile file = rulesets(TestDescriptors.load("compact.yaml")).get(0);
        Path path = Files.createTempFile("tl-firewall-", ".nft");
        try {
            Files.writeString(path, file.contentAsText().replace("policy drop;", "policy dorp;"));
            assertThat(PROGRAMS.run(namespace.exec(List.of("nft", "-c", "-f", path.toString()))).exit()).isNotZero();
        } finally {
            Files.delete(path);
        }
    }

    @Test
    void applyingTwiceGivesTheSameRulesAndLeavesOtherTablesAlone() throws IOException {
        List<RenderedFile> files = rulesets(TestDescriptors.load("seed.yaml"));
        RenderedFile db1 = files.stream().filter(f -> f.location().startsWith("db1/")).findFirst().orElseThrow();
        Path path = write(db1);
        try {
            PROGRAMS.ok(namespace.exec(List.of("nft", "add", "table", "inet", "other")));
            PROGRAMS.ok(namespace.exec(List.of("nft", "add", "chain", "inet", "other", "keep")));
            PROGRAMS.ok(namespace.exec(List.of("nft", "-f", path.toString())));
            String first = PROGRAMS.ok(namespace.exec(List.of("nft", "list", "table", "inet", "tierlift"))).stdout();
            PROGRAMS.ok(namespace.exec(List.of("nft", "-f", path.toString())));
            String second = PROGRAMS.ok(namespace.exec(List.of("nft", "list", "table", "inet", "tierlift"))).stdout();
            assertThat(second).isEqualTo(first);
            assertThat(first).contains("policy drop;")
                    .contains("ip saddr 10.0.3.22 tcp dport 5433 accept comment \"replication from db2\"");
            String all = PROGRAMS.ok(namespace.exec(List.of("nft", "list", "ruleset"))).stdout();
            assertThat(all).contains("table inet other").contains("chain keep");
            assertThat(all.split("table inet tierlift", -1)).hasSize(2);
        } finally {
            PROGRAMS.run(namespace.exec(List.of("nft", "flush", "ruleset")));
            Files.delete(path);
        }
    }
}
