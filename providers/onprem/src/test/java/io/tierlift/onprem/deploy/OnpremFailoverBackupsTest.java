package io.tierlift.onprem.deploy;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.onprem.command.RemoteCommand;
import io.tierlift.onprem.ssh.Connection;
import io.tierlift.onprem.ssh.Connector;
import io.tierlift.onprem.ssh.ExecResult;
import io.tierlift.onprem.ssh.SshException;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.render.onprem.app.AppServerRenderer;
import io.tierlift.render.onprem.backup.BackupRenderer;
import io.tierlift.render.onprem.database.DatabaseRenderer;
import io.tierlift.render.onprem.edge.EdgeRenderer;
import io.tierlift.render.onprem.firewall.FirewallRenderer;
import io.tierlift.secret.SecretResolver;
import io.tierlift.secret.SecretValue;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failover with backups on: the backup host's stanza follows the promoted standby (pg1), leaves
 * the fenced old primary out, and is checked; the config it places is what the deploy after the
 * operator's descriptor edit renders for pg1.
 */
class OnpremFailoverBackupsTest {
    private static final String DESCRIPTOR = """
            app: notes
            backend: { wsgi: "notes.app:app" }
            database:
              name: notes
              user: notes
              password: "${env:NOTES_DB_PASSWORD}"
              replication_password: "${env:NOTES_REPLICATION_PASSWORD}"
              backup:
                key: "${env:NOTES_BACKUP_KEY}"
            targets:
              onprem:
                ssh: { user: root }
                domain: notes.example.test
                waf: { crs: true, paranoia: 1 }
                hosts:
                  edge1: { address: 10.9.0.10, zone: dmz, roles: [waf, proxy, static] }
                  app1:  { address: 10.9.0.11, zone: trusted, roles: [app] }
                  db1:   { address: 10.9.0.21, zone: trusted, roles: [db-primary] }
                  db2:   { address: 10.9.0.22, zone: trusted, roles: [db-standby] }
                  bak1:  { address: 10.9.0.30, zone: trusted, roles: [backup] }
            """;
    private static final SecretResolver SECRETS = ref -> new SecretValue(ref, "secret-" + ref.toString().length());

    private final FreemarkerEngine engine = new FreemarkerEngine();
    private final RenderProvider renderer = new OnpremRenderer(List.of(new EdgeRenderer(engine), new AppServerRenderer(engine),
            new DatabaseRenderer(engine), new BackupRenderer(engine), new FirewallRenderer(engine)));
    private final List<String> calls = new ArrayList<>();
    private final List<String> progress = new ArrayList<>();

    private static AppDescriptor load(String text) {
        return new DescriptorLoader().load("app.yaml", text, Path.of("/nonexistent"), Optional.empty()).descriptor();
    }

    private String repositoryConfig(AppDescriptor descriptor) {
        return renderer.render(descriptor, SecretView.resolving(SECRETS)).stream()
                .filter(f -> f.location().equals("bak1/etc/pgbackrest/pgbackrest.conf")).map(RenderedFile::contentAsText)
                .findFirst().orElseThrow();
    }

    private static String pg1(String config) {
        Matcher block = Pattern.compile("(?m)^# \\S+\\npg1-host=.*?(?=^# |^backup-standby)", Pattern.DOTALL).matcher(config);
        assertThat(block.find()).as(config).isTrue();
        return block.group();
    }

    @Test
    void afterAFailoverTheStanzaNamesThePromotedStandbyAsPg1AndLeavesTheFencedPrimaryOut() {
        AppDescriptor before = load(DESCRIPTOR);
        Host db1 = before.targets().onprem().orElseThrow().host("db1").orElseThrow();
        Host db2 = before.targets().onprem().orElseThrow().host("db2").orElseThrow();
        String config = repositoryConfig(OnpremFailover.backupTopologyAfterFailover(before, db1, db2));

        assertThat(config).contains("# db2\npg1-host=10.9.0.22\n").doesNotContain("pg2-").doesNotContain("10.9.0.21")
                .contains("backup-standby=n").contains("tls-server-auth=10.9.0.22=notes");
        assertThat(repositoryConfig(before)).contains("# db1\npg1-host=10.9.0.21\n").contains("backup-standby=y");
    }

    @Test
    void theDeployAfterTheOperatorsEditKeepsPg1AndTakesTheRebuiltOldPrimaryBackAsTheStandby() {
        AppDescriptor before = load(DESCRIPTOR);
        Host db1 = before.targets().onprem().orElseThrow().host("db1").orElseThrow();
        Host db2 = before.targets().onprem().orElseThrow().host("db2").orElseThrow();
        String atFailover = repositoryConfig(OnpremFailover.backupTopologyAfterFailover(before, db1, db2));
        String edited = repositoryConfig(load(DESCRIPTOR.replace("roles: [db-primary]", "roles: [db-TMP]")
                .replace("roles: [db-standby]", "roles: [db-primary]").replace("roles: [db-TMP]", "roles: [db-standby]")));

        assertThat(pg1(edited)).isEqualTo(pg1(atFailover));
        assertThat(edited).contains("# db1\npg2-host=10.9.0.21\n").contains("backup-standby=y");
    }

    @Test
    void theFailoverPlacesTheConfigOnTheBackupHostRestartsItsServerAndChecksTheArchiveAfterThePromotion() {
        AppDescriptor descriptor = load(DESCRIPTOR);
        OnpremFailover.Result result = failover(descriptor, new FakeHosts(false)).failover(descriptor);

        assertThat(result.newPrimary()).isEqualTo("db2");
        int promoted = indexOf(c -> c.startsWith("db2:") && c.contains("promote"));
        int staged = indexOf(c -> c.startsWith("bak1:") && c.contains("/etc/pgbackrest/pgbackrest.conf")
                && c.contains("pg1-host=10.9.0.22"));
        int restarted = indexOf(c -> c.startsWith("bak1:") && c.contains("server-ping") && c.contains("10.9.0.30"));
        int checked = indexOf(c -> c.startsWith("bak1:") && c.contains("stanza-create") && c.contains(" check"));
        assertThat(promoted).isNotNegative();
        assertThat(staged).isGreaterThan(promoted);
        assertThat(restarted).isGreaterThan(staged);
        assertThat(checked).isGreaterThan(restarted);
        assertThat(calls.get(staged)).doesNotContain("10.9.0.21");
        assertThat(progress).contains("bak1 | backups follow db2 (pg1); db1 is out of the stanza until it is rebuilt as a standby",
                "bak1 | WAL of db2 arrives in the repository");
    }

    @Test
    void anUnreachableBackupHostIsAWarningAndTheFailoverStands() {
        AppDescriptor descriptor = load(DESCRIPTOR);
        OnpremFailover.Result result = failover(descriptor, new FakeHosts(true)).failover(descriptor);

        assertThat(result.newPrimary()).isEqualTo("db2");
        assertThat(progress).anyMatch(p -> p.startsWith("bak1 | warning: backups do not follow db2 yet")
                && p.contains("`tierlift deploy onprem` sets them up"));
    }

    @Test
    void withABucketThePromotedStandbyChecksItsWalReachesTheBucketAndNoBackupHostIsAsked() {
        AppDescriptor descriptor = load(DESCRIPTOR.replace("    key: \"${env:NOTES_BACKUP_KEY}\"\n", """
                    key: "${env:NOTES_BACKUP_KEY}"
                    repository:
                      s3: { endpoint: 10.9.0.40:9000, bucket: notes-backups, uri_style: path, key: "${env:K}", secret_key: "${env:S}" }
                """).replace("      bak1:  { address: 10.9.0.30, zone: trusted, roles: [backup] }\n", ""));
        OnpremFailover.Result result = failover(descriptor, new FakeHosts(false)).failover(descriptor);

        assertThat(result.newPrimary()).isEqualTo("db2");
        int promoted = indexOf(c -> c.startsWith("db2:") && c.contains("promote"));
        int checked = indexOf(c -> c.startsWith("db2:") && c.contains("stanza-create") && c.contains(" check"));
        assertThat(checked).isGreaterThan(promoted).isGreaterThan(-1);
        assertThat(calls).noneMatch(c -> c.startsWith("bak1:") || c.contains("/etc/pgbackrest/pgbackrest.conf"));
        assertThat(progress).contains("db2 | WAL of db2 arrives in the bucket; its schedule takes the backups now");
    }

    private OnpremFailover failover(AppDescriptor descriptor, FakeHosts hosts) {
        return new OnpremFailover(hosts, renderer, SECRETS, (scope, message) -> progress.add(scope + " | " + message));
    }

    private int indexOf(java.util.function.Predicate<String> call) {
        for (int i = 0; i < calls.size(); i++) {
            if (call.test(calls.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** db2 answers as a standby until it is promoted; every other command succeeds; bak1 may be unreachable. */
    private final class FakeHosts implements Connector {
        private final boolean backupHostDown;
        private boolean promoted;

        FakeHosts(boolean backupHostDown) {
            this.backupHostDown = backupHostDown;
        }

        @Override
        public Connection connect(Host host) {
            if (backupHostDown && host.name().equals("bak1")) {
                throw new SshException("bak1: ssh: connect to host 10.9.0.30 port 22: No route to host");
            }
            return new Connection() {
                @Override
                public String host() {
                    return host.name();
                }

                @Override
                public ExecResult run(RemoteCommand command, byte[] stdin) {
                    String line = host.name() + ": " + String.join(" ", command.argv()) + " <<< " + new String(stdin, StandardCharsets.UTF_8);
                    calls.add(line);
                    if (line.contains("promote")) {
                        promoted = true;
                    }
                    if (line.contains("pg_is_in_recovery()")) {
                        return ok(host.name().equals("db2") && !promoted ? "t\n" : "f\n");
                    }
                    if (line.contains("/run/systemd/system")) {
                        return new ExecResult(1, new byte[0], "");
                    }
                    return ok("");
                }

                @Override
                public void close() {
                }
            };
        }

        private ExecResult ok(String out) {
            return new ExecResult(0, out.getBytes(StandardCharsets.UTF_8), "");
        }
    }
}
