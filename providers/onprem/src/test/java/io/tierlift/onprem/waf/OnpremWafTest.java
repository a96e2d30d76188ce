package io.tierlift.onprem.waf;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.WafExclusion;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.waf.WafReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** waf report and the WAF mode on the on-prem tier: which hosts are read, with which commands, and what comes back. */
class OnpremWafTest {
    private static final Path EXAMPLES = Path.of("../../examples/notes");
    private static final String LOG = """
            ---aB3dE5fG---A--
            [07/Dec/2026:19:41:17 +0000] 179667194043.332025 10.231.0.1 53896 10.231.0.5 443
            ---aB3dE5fG---B--
            POST /api/notes HTTP/1.1
            Host: notes.sandbox.test
            Cookie: session=do-not-show-me
            ---aB3dE5fG---F--
            HTTP/1.1 403
            ---aB3dE5fG---H--
            ModSecurity: Warning. Matched "Operator `Rx' with parameter `x' against variable `ARGS:json.body' (Value: `see ?page=2&sort=asc' ) [file "r.conf"] [line "1"] [id "932115"] [rev ""] [msg "Remote Command Execution: Windows Command Injection"] [data "Matched Data: &sort found within ARGS:json.body: see ?page=2&sort=asc"] [severity "2"] [uri "/api/notes"]
            ModSecurity: Access denied with code 403 (phase 2). Matched "Operator `Ge' with parameter `5' against variable `TX:ANOMALY_SCORE' (Value: `5' ) [id "949110"] [msg "Inbound Anomaly Score Exceeded (Total Score: 5)"] [data ""] [severity "2"]
            ---aB3dE5fG---Z--
            """;

    private final List<String> calls = new ArrayList<>();

    @Test
    void readsTheAuditLogOfTheWafHostsOnlyAndProposesTheExclusion() {
        AppDescriptor seed = load("seed-topology.yaml");
        WafReport report = new OnpremWaf(connector(line -> new ExecResult(0, LOG.getBytes(StandardCharsets.UTF_8), "")))
                .report(seed, Duration.ofDays(1), Instant.parse("2026-12-08T00:00:00Z"));
        assertThat(calls).as("only the waf host of the seed topology").hasSize(1).allMatch(c -> c.startsWith("waf: "));
        assertThat(calls.get(0)).contains("/var/log/nginx/modsec_audit.log");
        assertThat(report.hosts()).containsExactly("waf");
        assertThat(report.blocked()).isEqualTo(1);
        assertThat(report.proposals()).containsExactly(WafExclusion.byId(932115, "ARGS:json.body", Optional.of("/api/notes")));
        assertThat(report.toString()).doesNotContain("do-not-show-me");
    }

    @Test
    void statusReadsEachWafHostsEngineSetting() {
        AppDescriptor compact = load("sandbox.yaml");
        List<OnpremWaf.EngineState> engines = new OnpremWaf(connector(line ->
                new ExecResult(0, "SecRuleEngine DetectionOnly\n".getBytes(StandardCharsets.UTF_8), "")))
                .engines(compact);
        assertThat(engines).singleElement().satisfies(e -> {
            assertThat(e.host().name()).isEqualTo("edge1");
            assertThat(e.engine()).isEqualTo("DetectionOnly");
        });
        assertThat(calls).singleElement().asString().contains("/etc/nginx/modsecurity/modsecurity.conf");
    }

    @Test
    void theLogScriptReadsTheRotatedLogThenTheCurrentOneAndToleratesMissingFiles(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("modsec_audit.log");
        assertThat(runLocally(OnpremWaf.readAuditLog(log.toString()))).as("no log yet").isEmpty();
        Files.writeString(log, "current\n");
        Files.writeString(dir.resolve("modsec_audit.log.1"), "rotated\n");
        assertThat(runLocally(OnpremWaf.readAuditLog(log.toString()))).isEqualTo("rotated\n\ncurrent\n\n");
    }

    private static String runLocally(RemoteCommand command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("sh", "-c", command.toShell()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return out;
    }

    private static AppDescriptor load(String example) {
        return new DescriptorLoader().load(EXAMPLES.resolve(example), Optional.empty()).descriptor();
    }

    private Connector connector(Function<String, ExecResult> answer) {
        return new Connector() {
            @Override
            public Connection connect(Host host) {
                return new Connection() {
                    @Override
                    public String host() {
                        return host.name();
                    }

                    @Override
                    public ExecResult run(RemoteCommand command, byte[] stdin) {
                        String line = command.toShell();
                        calls.add(host.name() + ": " + line);
                        return answer.apply(line);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }
}
