package io.tierlift.audit;

import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each on-prem rule fires exactly once on a rendering weakened in its one way, and never on the examples. */
class OnpremAuditTest {
    private static final String EDGE = "edge1/etc/nginx/tierlift/";

    /** The compact topology with backups, so that each weakening below is the only finding. */
    private static AuditFixture compact() {
        return AuditFixture.fromText(withBackups(AuditFixture.fixture("compact.yaml")), Target.ONPREM);
    }

    private static String withBackups(String yaml) {
        String changed = yaml.replaceFirst("(?m)^targets:", "  backup: { key: \"\\${env:NOTES_BACKUP_KEY}\" }\ntargets:")
                .replaceFirst("(?m)^(      db2: .*\n)", "$1      bak1: { address: 10.0.3.30, zone: trusted, roles: [backup] }\n");
        assertThat(changed).contains("backup: {").contains("bak1:");
        return changed;
    }

    static void assertOnly(AuditReport report, String rule) {
        assertThat(report.findings()).as("findings").hasSize(1);
        Finding finding = report.findings().get(0);
        assertThat(finding.rule()).isEqualTo(rule);
        assertThat(finding.fix()).isNotBlank();
        assertThat(finding.where().toString()).isNotBlank();
    }

    @Test
    void theDemoSandboxKeepsNoBackupsAndSaysSo() {
        assertOnly(AuditFixture.example("sandbox.yaml", Target.ONPREM).audit(), "onprem.database-backups");
        assertOnly(AuditFixture.fromText(AuditFixture.fixture("compact.yaml"), Target.ONPREM).audit(), "onprem.database-backups");
        assertThat(AuditFixture.example("sandbox.yaml", Target.ONPREM).audit().findings().get(0).where().toString())
                .contains("database.backup");
    }

    @Test
    void aDatabaseHostThatDoesNotArchiveItsWal() {
        AuditReport report = compact().edit("db2/etc/postgresql/15/main/conf.d/tierlift-archive.conf",
                t -> t.replace("archive_mode = on", "archive_mode = off")).audit();
        assertOnly(report, "onprem.database-backups");
        assertThat(report.findings().get(0).where().host()).isEqualTo("db2");
        assertOnly(compact().edit("db1/etc/postgresql/15/main/conf.d/tierlift-archive.conf",
                t -> t.replace("archive-push", "archive-get")).audit(), "onprem.database-backups");
    }

    @Test
    void theExampleAndTheSandboxesWithBackupsPass() {
        for (String example : new String[]{"app.yaml", "sandbox-backup.yaml", "seed-topology.yaml"}) {
            AuditReport report = AuditFixture.example(example, Target.ONPREM).audit();
            assertThat(report.findings()).as(example).isEmpty();
            assertThat(report.passed()).isTrue();
        }
        assertThat(compact().audit().findings()).isEmpty();
    }

    @Test
    void unencryptedReplicationIsANoteNotAFinding() {
        AuditReport report = compact().audit();
        assertThat(report.notes()).extracting(Finding::rule).containsExactly("onprem.replication-ssl");
        assertThat(report.notes().get(0).where().host()).isEqualTo("db1");
    }

    @Test
    void oldTlsProtocols() {
        assertOnly(compact().edit(EDGE + "snippets/tls.conf", t -> t.replace("ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocols TLSv1.1 TLSv1.2 TLSv1.3;"))
                .audit(), "onprem.tls-protocols");
        assertOnly(compact().edit(EDGE + "snippets/tls.conf", t -> t.replaceAll("ssl_protocols [^;]*;", ""))
                .audit(), "onprem.tls-protocols");
    }

    @Test
    void weakCiphers() {
        AuditReport report = compact().edit(EDGE + "snippets/tls.conf", t -> t.replaceAll("ssl_ciphers [^;]*;", "ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:!aNULL;")).audit();
        assertOnly(report, "onprem.tls-ciphers");
        assertThat(report.findings().get(0).what()).contains("AES128-SHA");
        assertThat(report.findings().get(0).where().line()).isPositive();
    }

    @Test
    void missingHsts() {
        AuditReport report = compact().edit(EDGE + "snippets/response-headers.conf", t -> t.replaceAll("add_header Strict-Transport-Security [^;]*;", "")).audit();
        assertOnly(report, "onprem.security-headers");
        assertThat(report.findings().get(0).what()).contains("Strict-Transport-Security");
    }

    @Test
    void wafOffInTheDescriptor() {
        String yaml = withBackups(AuditFixture.fixture("compact.yaml")).replace("    domain: notes.example.com\n",
                "    domain: notes.example.com\n    waf: { crs: false }\n");
        AuditReport report = AuditFixture.fromText(yaml, Target.ONPREM).audit();
        assertOnly(report, "onprem.waf-enabled");
        assertThat(report.findings().get(0).where().file()).contains("waf.crs");
    }

    @Test
    void wafDetectingOnly() {
        String yaml = withBackups(AuditFixture.fixture("compact.yaml")).replace("    domain: notes.example.com\n",
                "    domain: notes.example.com\n    waf: { crs: true, mode: detect }\n");
        AuditReport report = AuditFixture.fromText(yaml, Target.ONPREM).audit();
        assertOnly(report, "onprem.waf-blocking");
        assertThat(report.findings().get(0).what()).contains("DetectionOnly", "waf.mode: detect");
    }

    @Test
    void serviceOnAWildcardAddress() {
        assertOnly(compact().edit("db1/etc/postgresql/15/main/conf.d/tierlift.conf", t -> t.replace("listen_addresses = '10.0.3.21'", "listen_addresses = '*'"))
                .audit(), "onprem.private-bind");
        assertOnly(compact().edit("app1/etc/notes/gunicorn.conf.py", t -> t.replace("bind = \"10.0.2.11:8000\"", "bind = \"0.0.0.0:8000\""))
                .audit(), "onprem.private-bind");
    }

    @Test
    void hostWithAPublicAddress() {
        String yaml = withBackups(AuditFixture.fixture("compact.yaml")).replace("app2:  { address: 10.0.2.12", "app2:  { address: 203.0.113.12");
        AuditReport report = AuditFixture.fromText(yaml, Target.ONPREM).audit();
        assertOnly(report, "onprem.private-bind");
        assertThat(report.findings().get(0).where().host()).isEqualTo("app2");
    }

    @Test
    void trustAndMd5InPgHba() {
        String hba = "db1/etc/postgresql/15/main/pg_hba.conf";
        assertOnly(compact().edit(hba, t -> t.replace("10.0.2.11/32  scram-sha-256", "10.0.2.11/32  md5")).audit(), "onprem.pg-hba-method");
        assertOnly(compact().edit(hba, t -> t.replace("local   all           all                                   peer", "local   all           all   trust")).audit(), "onprem.pg-hba-method");
    }

    @Test
    void pgHbaOpenToTheWorld() {
        assertOnly(compact().edit("db1/etc/postgresql/15/main/pg_hba.conf", t -> t.replace("10.0.2.11/32", "0.0.0.0/0")).audit(), "onprem.pg-hba-address");
    }

    @Test
    void replicationWithoutTlsWhenTlsIsOn() {
        String conf = "db1/etc/postgresql/15/main/conf.d/tierlift.conf";
        AuditReport report = compact().edit(conf, t -> t.replace("ssl = off", "ssl = on")).audit();
        // db1's own hba still admits replication over plain 'host' lines: one finding per line.
        assertThat(report.findings()).extracting(Finding::rule).containsOnly("onprem.replication-ssl").hasSize(2);
        AuditReport fixed = compact().edit(conf, t -> t.replace("ssl = off", "ssl = on"))
                .edit("db1/etc/postgresql/15/main/pg_hba.conf", t -> t.replace("host    replication   \"replicator\"  10.0.3.21/32", "hostssl replication   \"replicator\"  10.0.3.21/32"))
                .audit();
        assertOnly(fixed, "onprem.replication-ssl");
        assertThat(fixed.notes()).isEmpty();
    }

    @Test
    void secretFileWithALooseMode() {
        String env = "app1/etc/notes/app-env.json";
        assertOnly(compact().replace(env, f -> new RenderedFile(f.location(), f.content(), 0644, f.owner(), f.group(), true)).audit(), "onprem.file-modes");
        assertOnly(compact().replace(env, f -> new RenderedFile(f.location(), f.content(), 0640, f.owner(), f.group(), false)).audit(), "onprem.file-modes");
        assertOnly(compact().replace("app1/etc/notes/gunicorn.conf.py", f -> new RenderedFile(f.location(), f.content(), 0666, f.owner(), f.group(), false)).audit(), "onprem.file-modes");
    }

    @Test
    void firewallAcceptingByDefault() {
        assertOnly(compact().edit("db1/etc/tierlift/firewall.nft", t -> t.replace("hook input priority filter; policy drop;", "hook input priority filter; policy accept;"))
                .audit(), "onprem.firewall-policy");
    }

    @Test
    void noAdminNetworks() {
        String yaml = withBackups(AuditFixture.fixture("compact.yaml")).replace("    admin_networks: [10.0.0.0/24]\n", "");
        AuditReport report = AuditFixture.fromText(yaml, Target.ONPREM).audit();
        assertOnly(report, "onprem.ssh-admin-networks");
        assertOnly(compact().edit("app1/etc/tierlift/firewall.nft", t -> t.replace("ip saddr { 10.0.0.0/24 } tcp dport 22 accept", "tcp dport 22 accept"))
                .audit(), "onprem.ssh-admin-networks");
    }
}
