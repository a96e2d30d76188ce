package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tuning the WAF from real traffic on namespace hosts: the example deployed without its exclusion for
 * rule 932115 refuses an ordinary note with a link; {@code waf report} names the rule, the path and the
 * parameter and proposes the exclusion; pasted into the descriptor and deployed, the note passes, as do
 * all the ordinary notes of examples/notes/waf, while its attacks and scanners are still refused.
 */
@Tag("sandbox")
class OnpremWafTuningSandboxTest {
    private static final Path CORPUS = Path.of("../examples/notes/waf");
    private static final String LINK_NOTE = "Read the docs at https://example.com/docs?page=2&sort=asc before Friday.";
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    private static final String BEARER = "Bearer e2e-canary-token-7f3a";
    private static final String COOKIE = "session=e2e-canary-cookie-91c2";

    private static SandboxWorld world;
    private static String domain;

    @BeforeAll
    static void up() throws IOException {
        world = new SandboxWorld("sandbox.yaml", 61, "tl-brewaf");
        domain = "notes.sandbox.test";
    }

    @AfterAll
    static void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void aBlockedOrdinaryNoteIsReportedAndItsProposedExclusionLetsItThroughWhileAttacksStayBlocked() throws Exception {
        String tuned = Files.readString(world.descriptor);
        String untuned = tuned.replaceFirst("(?m)^\\s+- \\{ rule: 932115, .*\\n", "");
        assertThat(untuned).isNotEqualTo(tuned).contains("rule: 932100");
        Files.writeString(world.descriptor, untuned);
        deploy();

        assertThat(post(LINK_NOTE, BROWSER, true)).as("the link note without its exclusion").isEqualTo(403);

        Cli text = tierlift("waf", "report", "onprem", "-f", file(), "--since", "1h");
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.out()).contains("932115", "/api/notes", "ARGS:json.body", "likely false positive");
        Cli json = tierlift("waf", "report", "onprem", "-f", file(), "--since", "1h", "--output", "json");
        assertThat(json.exitCode()).as(json.all()).isZero();
        for (Cli run : List.of(text, json)) {
            assertThat(run.all()).as("credentials sent with the blocked request").doesNotContain("e2e-canary");
        }
        JsonNode report = new ObjectMapper().readTree(json.out());
        assertThat(report.get("hosts").toString()).contains("edge1");
        assertThat(report.get("blocked").asInt()).isPositive();
        JsonNode proposal = report.get("proposed_exclusions").get(0);
        assertThat(proposal.get("rule").asInt()).isEqualTo(932115);
        assertThat(proposal.get("target").asText()).isEqualTo("ARGS:json.body");
        assertThat(proposal.get("path").asText()).isEqualTo("/api/notes");

        // Pasted as printed: the items go into the descriptor's exclusions list.
        String yaml = report.get("proposed_yaml").asText();
        assertThat(yaml).startsWith("exclusions:\n");
        String items = yaml.lines().skip(1).map(l -> "      " + l + "\n").reduce("", String::concat);
        Files.writeString(world.descriptor, untuned.replace("      exclusions:\n", "      exclusions:\n" + items));
        deploy();

        // Without systemd the deploy's 'nginx -s reload' returns before the master has parsed the new
        // rules; until then the old workers answer, with the old rules.
        int linkStatus = 0;
        for (long deadline = System.nanoTime() + 15_000_000_000L; linkStatus != 201 && System.nanoTime() < deadline; Thread.sleep(250)) {
            linkStatus = post(LINK_NOTE, BROWSER, false);
        }
        assertThat(linkStatus).as("the link note with the proposed exclusion; on edge1:%n%s", world.exec("edge1",
                "cat /etc/nginx/modsecurity/exclusions.conf; tail -c 3000 /var/log/nginx/modsec_audit.log").stdout()).isEqualTo(201);
        List<String> refused = new ArrayList<>();
        for (String note : lines("ordinary-notes.txt")) {
            if (post(note, BROWSER, false) != 201) {
                refused.add(note);
            }
        }
        assertThat(refused).as("ordinary notes refused").isEmpty();
        for (String attack : lines("attack-notes.txt")) {
            assertThat(post(attack, BROWSER, false)).as("attack %s", attack).isEqualTo(403);
        }
        for (String scanner : lines("scanner-user-agents.txt")) {
            assertThat(post("A plain note.", scanner, false)).as("scanner %s", scanner).isEqualTo(403);
        }

        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.all()).contains("WAF blocks (SecRuleEngine On); 4 exclusion(s)");
    }

    private void deploy() {
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
    }

    /** POSTs {"body": note} through the WAF by the site's name, from a file so any text arrives unchanged. */
    private static int post(String note, String userAgent, boolean withCredentials) throws IOException {
        Path body = world.root.resolve("note.json");
        Files.writeString(body, new ObjectMapper().writeValueAsString(Map.of("body", note)), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("--resolve", domain + ":443:" + world.address("edge1"),
                "-H", "Content-Type: application/json", "-A", userAgent, "--data-binary", "@" + body));
        if (withCredentials) {
            args.addAll(List.of("-H", "Authorization: " + BEARER, "-H", "Cookie: " + COOKIE));
        }
        args.add("https://" + domain + "/api/notes");
        return world.curl(args.toArray(String[]::new)).status();
    }

    private static List<String> lines(String file) throws IOException {
        return Files.readAllLines(CORPUS.resolve(file), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    private static Cli tierlift(String... args) {
        return Cli.run(world.env(), args);
    }

    private static String file() {
        return world.descriptor.toString();
    }
}
