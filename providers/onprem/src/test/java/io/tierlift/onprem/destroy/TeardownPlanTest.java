package io.tierlift.onprem.destroy;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.onprem.OnpremRenderer;
import io.tierlift.secret.SecretView;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.tierlift.onprem.destroy.TeardownPlan.Service.APP;
import static io.tierlift.onprem.destroy.TeardownPlan.Service.BACKUP_SCHEDULE;
import static io.tierlift.onprem.destroy.TeardownPlan.Service.BACKUP_SERVER;
import static io.tierlift.onprem.destroy.TeardownPlan.Service.NGINX;
import static org.assertj.core.api.Assertions.assertThat;

/** What destroy onprem removes and keeps on each host, from the descriptor and the files its deploy places. */
class TeardownPlanTest {
    private static final Path DUMP = Path.of("/home/op/.tierlift/dumps/notes-onprem-20261207T230000Z.dump");
    private final AppDescriptor app = new DescriptorLoader()
            .load(Path.of("../../examples/notes/sandbox-backup.yaml"), Optional.empty()).descriptor();
    private final List<RenderedFile> rendered = OnpremRenderer.allRoles(new FreemarkerEngine()).render(app, SecretView.masked());

    private TeardownPlan plan(boolean deleteData) {
        return TeardownPlan.of(app, rendered, deleteData, DUMP);
    }

    private static TeardownPlan.HostTeardown host(TeardownPlan plan, String name) {
        return plan.hosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void withoutDataDeletionTheAppAndEdgeGoButTheDatabaseTierKeepsRunningWithItsFiles() {
        TeardownPlan plan = plan(false);
        assertThat(plan.hosts()).extracting(TeardownPlan.HostTeardown::name).containsExactly("edge1", "app1", "app2", "db1", "db2", "bak1");
        assertThat(host(plan, "edge1").services()).containsExactly(NGINX);
        assertThat(host(plan, "edge1").removed()).contains("/etc/nginx/nginx.conf", "/etc/nginx/tierlift", "/etc/nginx/modsecurity",
                "/srv/notes", "/etc/tierlift", "/var/lib/tierlift", "/etc/systemd/system/tierlift-firewall.service");
        assertThat(host(plan, "edge1").removedIfEmpty()).containsExactly("/etc/nginx/tls");
        assertThat(host(plan, "app1").services()).containsExactly(APP);
        assertThat(host(plan, "app1").removed()).contains("/etc/notes", "/usr/local/lib/tierlift", "/srv/notes", "/var/log/notes",
                "/etc/systemd/system/notes-api.service");
        for (String database : List.of("db1", "db2", "bak1")) {
            TeardownPlan.HostTeardown host = host(plan, database);
            assertThat(host.services()).as(database).isEmpty();
            assertThat(host.dump() || host.dropCluster() || host.dropRepository()).as(database).isFalse();
            assertThat(host.removed()).as(database).containsExactly("/etc/systemd/system/tierlift-firewall.service", "/etc/tierlift",
                    "/var/lib/tierlift");
            assertThat(host.kept()).as(database).isNotEmpty();
        }
        assertThat(plan.dumpFile()).isEmpty();
    }

    @Test
    void withDataDeletionThePrimaryIsDumpedAndEveryClusterAndTheRepositoryAreDropped() {
        TeardownPlan plan = plan(true);
        assertThat(host(plan, "db1").dump()).isTrue();
        assertThat(host(plan, "db2").dump()).as("only the primary is dumped").isFalse();
        assertThat(host(plan, "db1").dropCluster()).isTrue();
        assertThat(host(plan, "db2").dropCluster()).isTrue();
        assertThat(host(plan, "db2").removed()).contains("/etc/postgresql/15/main", "/var/lib/postgresql/15/main",
                "/var/lib/postgresql/.pgpass", "/etc/pgbackrest");
        assertThat(host(plan, "db1").services()).as("its pgBackRest server").containsExactly(BACKUP_SERVER);
        assertThat(host(plan, "db2").services()).containsExactly(BACKUP_SERVER);
        assertThat(host(plan, "bak1").services()).containsExactly(BACKUP_SCHEDULE, BACKUP_SERVER);
        assertThat(host(plan, "bak1").dropRepository()).isTrue();
        assertThat(host(plan, "bak1").removed()).contains("/etc/pgbackrest", "/var/lib/pgbackrest",
                "/etc/systemd/system/tierlift-backup-full.timer", "/etc/systemd/system/tierlift-backup-diff.service");
        assertThat(host(plan, "bak1").kept()).isEmpty();
        assertThat(plan.dumpFile()).contains(DUMP);
    }

    @Test
    void everyFileADeployPlacesIsRemovedOrBelongsToTheKeptData() {
        for (boolean deleteData : List.of(false, true)) {
            TeardownPlan plan = plan(deleteData);
            for (RenderedFile file : rendered) {
                String host = file.location().substring(0, file.location().indexOf('/'));
                String path = file.location().substring(host.length());
                boolean removed = TeardownPlan.covered(path, Set.copyOf(host(plan, host).removed()));
                boolean data = path.startsWith("/etc/postgresql/") || path.startsWith("/var/lib/postgresql/")
                        || path.startsWith("/etc/pgbackrest/") || path.startsWith("/etc/systemd/system/tierlift-backup-");
                assertThat(removed || (!deleteData && data)).as("%s (data deleted: %s)", file.location(), deleteData).isTrue();
                assertThat(removed && data && !deleteData).as("%s is data and stays", file.location()).isFalse();
            }
        }
    }

    @Test
    void withABucketTheDatabaseHostsScheduleStaysWithTheDataAndGoesWithItButTheBucketsBackupsAreNeverDeleted() {
        AppDescriptor bucket = new DescriptorLoader().load(Path.of("../../examples/notes/sandbox-backup-s3.yaml"), Optional.empty()).descriptor();
        List<RenderedFile> files = OnpremRenderer.allRoles(new FreemarkerEngine()).render(bucket, SecretView.masked());
        TeardownPlan keep = TeardownPlan.of(bucket, files, false, DUMP);
        for (String db : List.of("db1", "db2")) {
            assertThat(host(keep, db).services()).as(db).isEmpty();
            assertThat(host(keep, db).removed()).as(db).noneMatch(p -> p.contains("tierlift-backup"));
            assertThat(host(keep, db).kept()).as(db).contains("its backup schedule into bucket notes-backups");
        }
        TeardownPlan delete = TeardownPlan.of(bucket, files, true, DUMP);
        for (String db : List.of("db1", "db2")) {
            assertThat(host(delete, db).services()).as(db).containsExactly(BACKUP_SCHEDULE);
            assertThat(host(delete, db).dropRepository()).isFalse();
            assertThat(host(delete, db).removed()).contains("/etc/pgbackrest", "/etc/systemd/system/tierlift-backup-full.timer",
                    "/etc/systemd/system/tierlift-backup-diff.service");
            assertThat(host(delete, db).kept()).contains("the backups in bucket notes-backups (tierlift never deletes a bucket's objects)");
        }
        for (RenderedFile file : files) {
            String host = file.location().substring(0, file.location().indexOf('/'));
            String path = file.location().substring(host.length());
            assertThat(TeardownPlan.covered(path, Set.copyOf(host(delete, host).removed()))).as(file.location()).isTrue();
        }
    }

    @Test
    void aFolderCoversWhatIsInsideItButNotASiblingThatSharesItsPrefix() {
        assertThat(TeardownPlan.covered("/srv/notes/maintenance/index.html", Set.of("/srv/notes"))).isTrue();
        assertThat(TeardownPlan.covered("/srv/notes", Set.of("/srv/notes"))).isTrue();
        assertThat(TeardownPlan.covered("/srv/notes2/x", Set.of("/srv/notes"))).isFalse();
    }

    @Test
    void thePreviewNamesEveryHostWhatStopsWhatGoesAndWhetherTheDataStays() {
        List<String> kept = plan(false).describe();
        assertThat(kept).contains("edge1 (proxy, static, waf):", "  stop and disable nginx", "  remove /etc/nginx/nginx.conf",
                "app1 (app):", "  stop and disable gunicorn (notes-api.service)", "  remove /srv/notes",
                "db1 (db-primary):", "  keep PostgreSQL cluster 15/main (primary), running, with its data and config",
                "bak1 (backup):", "  delete the nftables table inet tierlift (SSH and everything else as before tierlift)");
        assertThat(String.join("\n", kept)).contains("data: kept").doesNotContain("DROP", "DELETE", "  dump database");
        assertThat(kept.get(kept.size() - 1)).contains("packages", "system user notes");

        List<String> deleted = plan(true).describe();
        assertThat(deleted).contains("  dump database notes (pg_dump, custom format) to " + DUMP,
                "  DROP the PostgreSQL cluster (its data is deleted)", "  DELETE the pgBackRest repository (every backup in it)",
                "  stop and disable the backup timers (tierlift-backup-full, tierlift-backup-diff; postgres's crontab without systemd)",
                "data: DELETED after the final dump of notes to " + DUMP);
    }

    @Test
    void theDumpIsNamedAfterTheAppAndTheTimeInUtc() {
        assertThat(TeardownPlan.dumpFileName("notes", Instant.parse("2026-12-07T23:04:05Z"))).isEqualTo("notes-onprem-20261207T230405Z.dump");
    }
}
