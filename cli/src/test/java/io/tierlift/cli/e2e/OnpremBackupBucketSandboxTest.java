package io.tierlift.cli.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.render.onprem.backup.BackupLayout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The on-prem pgBackRest repository in an S3-compatible bucket, on namespace hosts with no backup host:
 * moto serves S3 on this test's own bridge address only, behind nginx for TLS with a certificate from a CA
 * the test makes (moto's own TLS server closes every connection without a TLS close_notify after its
 * answer, and pgBackRest, built on OpenSSL 3, fails its PUTs on that with "unexpected eof while reading").
 * The database hosts archive into the bucket and back up from the primary, {@code backup list} and
 * {@code status} read the bucket, and the restore drill brings back exactly the rows before T through
 * the WAF with the standby streaming again. What pgBackRest wrote is read back from moto with the SDK.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremBackupBucketSandboxTest {
    private static final String BUCKET = "notes-backups";
    private static final String WAL = "[0-9A-F]{24}";
    private SandboxWorld world;
    private String gateway;
    private Process moto;
    private Process nginx;
    private S3Client s3;
    private String repositoryKey;
    private String accessKey;
    private String secretKey;
    private final List<Cli> runs = new ArrayList<>();

    @BeforeAll
    void up() throws Exception {
        world = new SandboxWorld("sandbox-backup-s3.yaml", 69, "tl-bres3r");
        gateway = world.subnetPrefix + "1";
        Path tls = Files.createDirectories(world.root.resolve("s3-tls"));
        run(tls, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=tierlift test S3 CA", "-keyout", "ca.key", "-out", "ca.crt");
        run(tls, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=" + gateway, "-keyout", "s3.key", "-out", "s3.csr");
        // pgBackRest 2.45 compares the endpoint with the certificate's DNS names only, so the address is one too.
        Files.writeString(tls.resolve("san.ext"), "subjectAltName=DNS:" + gateway + ",IP:" + gateway + "\n");
        run(tls, "openssl", "x509", "-req", "-in", "s3.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "0x5e3a",
                "-days", "2", "-extfile", "san.ext", "-out", "s3.crt");
        Files.copy(tls.resolve("ca.crt"), world.stateDir.resolve("s3-ca.crt"));

        int motoPort = freePort();
        int tlsPort = freePort();
        moto = new ProcessBuilder("moto_server", "-H", gateway, "-p", Integer.toString(motoPort))
                .redirectErrorStream(true).redirectOutput(tls.resolve("moto.log").toFile()).start();
        Files.writeString(tls.resolve("nginx.conf"), String.join("\n",
                "user root;", "daemon off;", "pid " + tls.resolve("nginx.pid") + ";", "error_log " + tls.resolve("error.log") + ";",
                "events {}", "http {",
                "  access_log " + tls.resolve("access.log") + ";",
                "  client_body_temp_path " + tls.resolve("body") + ";", "  proxy_temp_path " + tls.resolve("proxy") + ";",
                "  server {",
                "    listen " + gateway + ":" + tlsPort + " ssl;",
                "    ssl_certificate " + tls.resolve("s3.crt") + ";", "    ssl_certificate_key " + tls.resolve("s3.key") + ";",
                "    client_max_body_size 0;", "    proxy_request_buffering off;",
                "    location / { proxy_pass http://" + gateway + ":" + motoPort + "; proxy_set_header Host $http_host; "
                        + "proxy_http_version 1.1; }",
                "  }", "}", ""));
        nginx = new ProcessBuilder("nginx", "-e", tls.resolve("error.log").toString(), "-c", tls.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(tls.resolve("nginx.out").toFile()).start();
        awaitPort(motoPort, moto, tls.resolve("moto.log"));
        awaitPort(tlsPort, nginx, tls.resolve("nginx.out"));

        s3 = MotoClients.of(S3Client.builder().forcePathStyle(true), URI.create("http://" + gateway + ":" + motoPort), "us-east-1");
        s3.createBucket(b -> b.bucket(BUCKET));

        repositoryKey = "bk-" + Long.toHexString(System.nanoTime()) + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        accessKey = "AKIA" + Long.toHexString(System.nanoTime()).toUpperCase();
        secretKey = "s3secret-" + Long.toHexString(System.nanoTime()) + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        Files.writeString(world.stateDir.resolve("secrets/notes-backup-key"), repositoryKey + "\n");
        Files.writeString(world.stateDir.resolve("secrets/notes-s3-key"), accessKey + "\n");
        Files.writeString(world.stateDir.resolve("secrets/notes-s3-secret-key"), secretKey + "\n");
        Files.writeString(world.descriptor, Files.readString(world.descriptor)
                .replace("endpoint: " + gateway + ":9443", "endpoint: " + gateway + ":" + tlsPort));
        assertThat(Files.readString(world.descriptor)).contains("endpoint: " + gateway + ":" + tlsPort);
    }

    @AfterAll
    void down() throws IOException {
        try {
            if (s3 != null) {
                s3.close();
            }
            for (Process p : new Process[]{nginx, moto}) {
                if (p != null) {
                    p.destroy();
                    p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> null).join();
                }
            }
        } finally {
            if (world != null) {
                world.close();
            }
        }
    }

    @Test
    @Order(10)
    void deployPutsTheBucketsConfigOnTheDatabaseHostsAndTheirWalReachesTheBucket() {
        Cli deploy = tierlift("deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
        for (String db : List.of("db1", "db2")) {
            assertThat(world.exec(db, "stat -c '%a %U' " + BackupLayout.CONFIG_FILE).stdout().strip()).isEqualTo("640 postgres");
            assertThat(world.exec(db, "grep -c -e '^repo1-type=s3$' -e '^repo1-storage-ca-file=/etc/pgbackrest/s3-ca.crt$' "
                    + BackupLayout.CONFIG_FILE).stdout().strip()).isEqualTo("2");
            assertThat(world.exec(db, "crontab -u postgres -l").stdout()).contains(BackupLayout.PRIMARY_ONLY_BACKUP + " --stanza=notes");
        }
        assertThat(world.exec("db1", "runuser -u postgres -- psql -At -c 'show archive_command'").stdout()).contains("archive-push");
        // What pgBackRest wrote, read back from moto: the stanza's info files and archived WAL segments.
        List<String> keys = objects("pgbackrest/archive/notes/");
        assertThat(keys).contains("pgbackrest/archive/notes/archive.info");
        assertThat(keys).anyMatch(k -> k.matches("pgbackrest/archive/notes/15-1/[0-9A-F]{16}/" + WAL + "-[0-9a-f]{40}\\.gz"));
    }

    @Test
    @Order(20)
    void backupNowTakesAFullBackupIntoTheBucketAndBackupListShowsIt() throws IOException {
        Cli now = tierlift("backup", "now", "onprem", "-f", file(), "--type", "full");
        assertThat(now.exitCode()).as(now.all()).isZero();
        assertThat(now.out()).containsPattern("F +full .*" + WAL + "\\.\\." + WAL);
        Cli list = tierlift("backup", "list", "onprem", "-f", file(), "--output", "json");
        assertThat(list.exitCode()).as(list.all()).isZero();
        var backups = new ObjectMapper().readTree(list.out());
        assertThat(backups).hasSize(1);
        String label = backups.get(0).path("id").asText();
        assertThat(objects("pgbackrest/backup/notes/" + label + "/")).contains("pgbackrest/backup/notes/" + label + "/backup.manifest");
        // The repository is encrypted before it leaves the host: the manifest names no table file in the clear.
        String manifest = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("pgbackrest/backup/notes/" + label + "/backup.manifest"))
                .asString(StandardCharsets.ISO_8859_1);
        assertThat(manifest).doesNotContain("pg_data/base");
    }

    @Test
    @Order(30)
    void theScheduleBacksUpOnlyWherePostgresIsThePrimary() {
        String scheduled = "cd / && runuser -u postgres -- " + BackupLayout.PRIMARY_ONLY_BACKUP
                + " --stanza=notes --type=diff --log-level-console=warn backup";
        var onStandby = world.exec("db2", scheduled);
        assertThat(onStandby.exitCode()).as(onStandby.stderr()).isZero();
        assertThat(onStandby.stdout()).contains("PostgreSQL on db2 is a standby");
        assertThat(diffBackups()).isZero();
        var onPrimary = world.exec("db1", scheduled);
        assertThat(onPrimary.exitCode()).as(onPrimary.stderr()).isZero();
        assertThat(diffBackups()).isEqualTo(1);
    }

    @Test
    @Order(40)
    void statusReadsTheBucketTheLastBackupsAgeArchivingAndTheEarliestRestorableTime() {
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).containsPattern("s3://" + BUCKET + " +backup +last backup \\S+D \\(diff\\) \\d+m ago; WAL archiving works")
                .containsPattern("db1 +archive +WAL archive lag")
                .containsPattern("s3://" + BUCKET + " +backup +restorable from \\S+: WAL archive unbroken");
    }

    @Test
    @Order(50)
    void restoreToATimeFromTheBucketBringsBackExactlyTheRowsBeforeItAndTheStandbyStreams() throws Exception {
        note("bucket drill before T 1");
        note("bucket drill before T 2");
        List<String> beforeT = notesThroughTheWaf();
        Thread.sleep(50);
        Instant t = Instant.now();
        Thread.sleep(50);
        note("bucket drill after T");
        assertThat(world.exec("db1", "runuser -u postgres -- psql -X -q -d notes -c 'DROP TABLE notes'").exitCode()).isZero();
        assertThat(world.curl("https://" + world.address("edge1") + "/api/notes").status()).isNotEqualTo(200);

        Cli restored = restore("--to-time", t.toString(), "--yes");
        assertThat(restored.exitCode()).as(restored.all()).isZero();
        assertThat(restored.out()).containsPattern("recovery ended on timeline [2-9]");
        assertThat(notesThroughTheWaf()).containsExactlyElementsOf(beforeT).doesNotContain("bucket drill after T");
        assertThat(sql("db1", "SELECT state FROM pg_stat_replication WHERE application_name = 'db2'")).isEqualTo("streaming");
        assertThat(sql("db2", "SELECT status FROM pg_stat_wal_receiver")).isEqualTo("streaming");
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.out()).as(status.all()).contains("WAL archiving works");
        // The new timeline's WAL is in the bucket too.
        assertThat(objects("pgbackrest/archive/notes/")).anyMatch(k -> k.matches(".*/0000000[2-9]\\.history"));
        Cli finalized = restore("--finalize", "--yes");
        assertThat(finalized.exitCode()).as(finalized.all()).isZero();
    }

    /**
     * No deploy between the failover and the next backup: the promoted standby already has the bucket's
     * config and the schedule, archives on its new timeline, and the schedule's script backs up there now.
     */
    @Test
    @Order(55)
    void afterAFailoverThePromotedStandbyArchivesIntoTheBucketAndItsScheduleBacksUpWithoutADeploy() {
        long timeline = Long.parseLong(sql("db1", "select timeline_id from pg_control_checkpoint()"));
        Cli failover = tierlift("failover", "onprem", "-f", file(), "--yes");
        assertThat(failover.exitCode()).as(failover.all()).isZero();
        assertThat(failover.err()).contains("WAL of db2 arrives in the bucket; its schedule takes the backups now");
        note("bucket written after the failover");
        String newTimeline = String.format("%08X", timeline + 1);
        assertThat(sql("db2", "select last_archived_wal from pg_stat_archiver")).matches(newTimeline + "[0-9A-F]{16}");

        long before = diffBackups();
        var scheduled = world.exec("db2", "cd / && runuser -u postgres -- " + BackupLayout.PRIMARY_ONLY_BACKUP
                + " --stanza=notes --type=diff --log-level-console=warn backup");
        assertThat(scheduled.exitCode()).as(scheduled.stderr()).isZero();
        assertThat(scheduled.stdout()).doesNotContain("is a standby");
        Cli list = tierlift("backup", "list", "onprem", "-f", file());
        assertThat(list.out().lines().filter(l -> l.matches(".*D +diff .*")).count()).as(list.all()).isEqualTo(before + 1);
        assertThat(list.out().lines().reduce((a, b) -> b).orElseThrow()).containsPattern(newTimeline + "[0-9A-F]{16}\\.\\." + newTimeline);
        Cli status = tierlift("status", "onprem", "-f", file());
        assertThat(status.out()).as(status.all()).contains("WAL archiving works").containsPattern("db2 +archive +WAL archive lag")
                .containsPattern("restorable from \\S+: WAL archive unbroken");
    }

    @Test
    @Order(60)
    void theBucketsKeysAndTheRepositoryKeyAreInNoOutputLogOrProcessList() {
        Cli plan = tierlift("plan", "onprem", "-f", file());
        assertThat(plan.exitCode()).as(plan.all()).isIn(0, 2);
        Cli render = tierlift("render", "onprem", "-f", file(), "-o", world.root.resolve("rendered").toString());
        assertThat(render.exitCode()).as(render.all()).isZero();
        List<String> secrets = List.of(repositoryKey, accessKey, secretKey);
        for (String secret : secrets) {
            for (Cli run : runs) {
                assertThat(run.all()).doesNotContain(secret);
            }
            for (String host : List.of("edge1", "app1", "app2", "db1", "db2")) {
                assertThat(world.exec(host, "ps -eo args").stdout()).as("processes of %s", host).doesNotContain(secret);
                assertThat(world.exec(host, "cat /var/log/pgbackrest/* /var/log/postgresql/* 2>/dev/null").stdout())
                        .as("logs of %s", host).doesNotContain(secret);
            }
        }
        assertThat(world.exec("db1", "grep -rl -- '" + secretKey + "' /etc /var/lib/postgresql").stdout().strip())
                .as("the secret key is in the pgBackRest config alone").isEqualTo(BackupLayout.CONFIG_FILE);
    }

    private Cli tierlift(String... args) {
        Cli run = Cli.run(world.env(), args);
        runs.add(run);
        return run;
    }

    /** The restore journal in a home of this run's own, so no other run's journal is continued or refused. */
    private Cli restore(String... args) {
        List<String> argv = new ArrayList<>(List.of("restore", "onprem", "-f", file()));
        argv.addAll(List.of(args));
        Cli run = Cli.run(Map.of("HOME", world.root.resolve("home").toString()), argv.toArray(String[]::new));
        runs.add(run);
        return run;
    }

    private String file() {
        return world.descriptor.toString();
    }

    private long diffBackups() {
        Cli list = tierlift("backup", "list", "onprem", "-f", file());
        assertThat(list.exitCode()).as(list.all()).isZero();
        return list.out().lines().filter(l -> l.matches(".*D +diff .*")).count();
    }

    private List<String> objects(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream().map(S3Object::key).toList();
    }

    private void note(String body) {
        SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "-d", "{\"body\":\"" + body + "\"}", "https://" + world.address("edge1") + "/api/notes");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private List<String> notesThroughTheWaf() throws IOException {
        SandboxWorld.CurlResult list = world.curl("https://" + world.address("edge1") + "/api/notes?limit=100");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<String> bodies = new ArrayList<>();
        new ObjectMapper().readTree(list.body()).forEach(n -> bodies.add(n.path("body").asText()));
        return bodies;
    }

    private String sql(String host, String query) {
        return world.exec(host, "runuser -u postgres -- psql -X -At -d notes -c \"" + query + "\"").stdout().strip();
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the process listens on the gateway's port; a process that exits first fails with its log. */
    private void awaitPort(int port, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.info().command().orElse("process") + " exited: " + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(gateway, port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("nothing listens on " + gateway + ":" + port + " after 30 s: " + Files.readString(log));
    }
}
