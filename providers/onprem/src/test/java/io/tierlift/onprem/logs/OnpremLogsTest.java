package io.tierlift.onprem.logs;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.logs.LogLine;
import io.tierlift.logs.LogRole;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.tier.LogFollow;
import io.tierlift.tier.LogsRequest;
import io.tierlift.tier.TierFailure;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** logs on the on-prem tier: which hosts and logs are read, and how their lines are merged. */
class OnpremLogsTest {
    private static final Path EXAMPLES = Path.of("../../examples/notes");
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-07T22:45:00Z"), ZoneOffset.UTC);
    private static final String AUDIT = """
            ---aB3dE5fG---A--
            [07/Dec/2026:22:39:59 +0000] 179667194043.332025 10.231.0.1 53896 10.231.0.5 443
            ---aB3dE5fG---B--
            POST /api/notes HTTP/1.1
            Cookie: session=do-not-show-me
            ---aB3dE5fG---F--
            HTTP/1.1 403
            ---aB3dE5fG---H--
            ModSecurity: Warning. Matched "Operator `Rx' with parameter `x' against variable `ARGS:json.body' (Value: `see ?page=2&sort=asc' ) [file "r.conf"] [line "1"] [id "932115"] [rev ""] [msg "Remote Command Execution: Windows Command Injection"] [data "Matched Data: &sort found within ARGS:json.body: see ?page=2&sort=asc"] [severity "2"] [uri "/api/notes"]
            ---aB3dE5fG---Z--
            """;

    private final List<String> calls = new ArrayList<>();

    @Test
    void linesOfEveryHostAreMergedByTimeAndTaggedWithHostSourceAndRole() {
        Map<String, String> answers = Map.of(
                "app1", "OFFSET +0000\nt0\t10.0.0.5 - - [07/Dec/2026:22:40:03 +0000] \"GET /api/notes HTTP/1.0\" 200 2 \"-\" \"c\" request_id=r-1\n"
                        + "t1\t[2026-12-07 22:40:01 +0000] [311] [ERROR] Error handling request\nt1\tTraceback (most recent call last):\n",
                "app2", "OFFSET +0000\nt0\t10.0.0.5 - - [07/Dec/2026:22:40:02 +0000] \"GET /api/health HTTP/1.0\" 200 2 \"-\" \"c\" request_id=r-2\n",
                "edge1", "OFFSET +0000\n" + AUDIT.lines().map(l -> "t0\t" + l + "\n").reduce("", String::concat),
                "db1", "OFFSET +0100\nt0\t2026-12-07 23:40:04.000 CET [9] notes@notes app=r-1 LOG:  duration: 0.4 ms  statement: SELECT 1\n");
        List<LogLine> lines = read(load("sandbox.yaml"), request(Optional.empty(), Optional.empty(), Optional.empty()), answers);

        assertThat(lines).extracting(l -> l.host() + " " + l.source() + " " + l.role().label()).containsExactly(
                "edge1 modsecurity-audit waf", "app1 gunicorn-error app", "app1 gunicorn-error app",
                "app2 gunicorn-access app", "app1 gunicorn-access app", "db1 postgresql db");
        assertThat(lines.get(2).line()).as("a traceback's line keeps the time of the line it belongs to").startsWith("Traceback");
        assertThat(lines.get(0).line()).isEqualTo("403 POST /api/notes rules 932115 \"Remote Command Execution: Windows Command Injection\"");
        assertThat(lines).extracting(LogLine::line).noneMatch(l -> l.contains("do-not-show-me"));
        assertThat(calls).extracting(c -> c.substring(0, c.indexOf(':'))).containsExactlyInAnyOrder("edge1", "app1", "app2", "db1", "db2");
    }

    @Test
    void grepAndSinceKeepOnlyTheLinesAskedFor() {
        Map<String, String> answers = Map.of(
                "app1", "OFFSET +0000\nt0\t1.1.1.1 - - [07/Dec/2026:22:40:03 +0000] \"GET / HTTP/1.0\" 200 2 \"-\" \"c\" request_id=r-1\n"
                        + "t0\t1.1.1.1 - - [07/Dec/2026:20:00:00 +0000] \"GET / HTTP/1.0\" 200 2 \"-\" \"c\" request_id=r-1-old\n"
                        + "t0\t1.1.1.1 - - [07/Dec/2026:22:41:00 +0000] \"GET / HTTP/1.0\" 200 2 \"-\" \"c\" request_id=r-2\n",
                "app2", "OFFSET +0000\n");
        List<LogLine> lines = read(load("sandbox.yaml"), request(Optional.of(LogRole.APP), Optional.empty(),
                Optional.of(Pattern.compile("request_id=r-1"))), answers);
        assertThat(lines).extracting(LogLine::line).singleElement().asString().endsWith("request_id=r-1");
        assertThat(calls).as("only the app hosts").extracting(c -> c.substring(0, c.indexOf(':'))).containsExactlyInAnyOrder("app1", "app2");
        assertThat(calls.get(0)).contains("/var/log/notes/access.log", "/var/log/notes/error.log", "notes-api.service")
                .doesNotContain("nginx");
    }

    @Test
    void oneHostAndOneRoleSelectThatHostsLogsOfThatRole() {
        List<LogTails.HostTails> tails = LogTails.select(load("seed-topology.yaml"), Optional.of(LogRole.DB), Optional.of("db2"));
        assertThat(tails).singleElement().satisfies(h -> {
            assertThat(h.host().name()).isEqualTo("db2");
            assertThat(h.tails()).extracting(LogTails.Tail::path)
                    .containsExactly("/var/log/postgresql/postgresql-15-main.log", "postgresql@15-main.service");
        });
        List<LogTails.HostTails> edge = LogTails.select(load("sandbox.yaml"), Optional.empty(), Optional.of("edge1"));
        assertThat(edge.get(0).tails()).as("a compact edge host's nginx is read once, as the WAF's")
                .extracting(t -> t.source().label() + " " + t.path() + " " + t.role().label())
                .containsExactly("modsecurity-audit /var/log/nginx/modsec_audit.log waf",
                        "nginx-access /var/log/nginx/public.access.log waf", "nginx-access /var/log/nginx/redirect.access.log waf",
                        "nginx-access /var/log/nginx/proxy.access.log waf", "nginx-access /var/log/nginx/static.access.log waf",
                        "nginx-access /var/log/nginx/access.log waf", "nginx-error /var/log/nginx/public.error.log waf",
                        "nginx-error /var/log/nginx/proxy.error.log waf", "nginx-error /var/log/nginx/static.error.log waf",
                        "nginx-error /var/log/nginx/error.log waf", "journal nginx.service waf");
        List<LogTails.HostTails> proxies = LogTails.select(load("seed-topology.yaml"), Optional.of(LogRole.PROXY), Optional.empty());
        assertThat(proxies).extracting(h -> h.host().name()).as("the seed's edge hosts").containsExactly("waf", "proxy", "static");
    }

    @Test
    void anUnknownHostOrOneWithoutTheRoleIsRefusedNamingTheCandidates() {
        assertThatThrownBy(() -> LogTails.select(load("sandbox.yaml"), Optional.of(LogRole.APP), Optional.of("db1")))
                .isInstanceOf(TierFailure.class).hasMessage("no host db1 with role app in targets.onprem.hosts; hosts with role app: app1, app2");
        assertThatThrownBy(() -> LogTails.select(load("sandbox.yaml"), Optional.empty(), Optional.of("nosuch")))
                .isInstanceOf(TierFailure.class).hasMessageContaining("no host nosuch in targets.onprem.hosts; hosts: edge1, app1, app2, db1, db2");
    }

    private LogsRequest request(Optional<LogRole> role, Optional<String> host, Optional<Pattern> grep) {
        return new LogsRequest(role, host, Duration.ofMinutes(10), grep, false, new LogFollow());
    }

    private List<LogLine> read(AppDescriptor descriptor, LogsRequest request, Map<String, String> answers) {
        List<LogLine> lines = new ArrayList<>();
        new OnpremLogs(connector(answers), NOW).read(descriptor, request, lines::add);
        return lines;
    }

    private static AppDescriptor load(String example) {
        return new DescriptorLoader().load(EXAMPLES.resolve(example), Optional.empty()).descriptor();
    }

    private Connector connector(Map<String, String> answers) {
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
                        calls.add(host.name() + ": " + command.toShell());
                        return new ExecResult(0, answers.getOrDefault(host.name(), "OFFSET +0000\n").getBytes(StandardCharsets.UTF_8), "");
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }
}
