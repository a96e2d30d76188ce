package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationPlanViewTest {
    private final DbEndpoint src = DbEndpoint.parse("postgresql://notes@10.0.3.21:5432/notes?password_ref=${env:PW}");
    private final DbEndpoint dst = DbEndpoint.parse("postgresql://admin@db.example.com/notes?password_ref=${file:/s/pw}");

    @Test
    void logicalStepsRunInPhaseOrderAndDoneStepsShowUnchanged() {
        MigrationSettings s = MigrationSettings.defaults("notes", "onprem", "aws-iaas", src, dst, Method.LOGICAL, Path.of("/tmp"));
        Journal j = Journal.begin("notes", "onprem", "aws-iaas", "logical", src.toString(), dst.toString(), Instant.EPOCH)
                .completed(Step.PREFLIGHT)
                .completed(Step.PROVISION);
        Plan plan = new MigrationPlanView().plan(s, MigrationStep.stepsFor(s), j, Instant.EPOCH);
        assertThat(plan.changes()).extracting(c -> c.address()).containsExactly(
                "migrate.preflight.preflight", "migrate.provision.provision", "migrate.copy.schema", "migrate.copy.publication",
                "migrate.copy.subscription", "migrate.copy.initial-copy", "migrate.copy.indexes", "migrate.verify.pre-verify", "migrate.cutover.maintenance",
                "migrate.cutover.drain", "migrate.cutover.sequences", "migrate.cutover.pin-snapshot", "migrate.cutover.stop-replication",
                "migrate.cutover.reverse-replication", "migrate.cutover.switch", "migrate.verify.final-verify");
        assertThat(plan.changes().get(0).action()).isEqualTo(Action.NO_OP);
        assertThat(plan.changes().get(2).action()).isEqualTo(Action.CREATE);
        String text = new MigrationPlanView().render(s, MigrationStep.stepsFor(s), j, Instant.EPOCH);
        assertThat(text).contains("Plan for notes on onprem -> aws-iaas:")
                .contains("+   migrate.copy.publication  (copy: CREATE PUBLICATION tierlift_notes on the source (FOR ALL TABLES as a "
                        + "superuser, else FOR TABLE each table))")
                .contains("Plan: 14 to create, 0 to update, 0 to replace, 0 to delete, 2 unchanged.")
                .doesNotContain("migrate.preflight.preflight");
    }

    @Test
    void strictCutoverVerifiesInsideTheDowntimeAndWithoutReverseReplicationThereIsNoReverseStep() {
        MigrationSettings s = MigrationSettings.defaults("notes", "onprem", "aws-iaas", src, dst, Method.LOGICAL, Path.of("/tmp"))
                .withVerifyBeforeSwitch(true).withReverseReplication(false);
        assertThat(MigrationStep.stepsFor(s)).extracting(MigrationStep::name).containsExactly("preflight", "provision", "schema",
                "publication", "subscription", "initial-copy", "indexes", "pre-verify", "maintenance", "drain", "sequences", "verify",
                "stop-replication", "switch");
    }

    @Test
    void seenFromEndpointsDefaultToTheEndpointsTierliftUses() {
        MigrationSettings s = MigrationSettings.defaults("notes", "onprem", "aws-iaas", src, dst, Method.LOGICAL, Path.of("/tmp"));
        assertThat(s.verifyBeforeSwitch()).isFalse();
        assertThat(s.reverseReplication()).isTrue();
        assertThat(s.sourceForSubscription()).isEqualTo(src);
        assertThat(s.targetForReverseSubscription()).isEqualTo(dst);
        DbEndpoint tunnel = DbEndpoint.parse("postgresql://notes@127.0.0.1:40123/notes?password_ref=${env:PW}");
        assertThat(s.withSourceSeenFromTarget(tunnel).sourceForSubscription()).isEqualTo(tunnel);
        assertThat(s.withSourceSeenFromTarget(tunnel).source()).isEqualTo(src);
        assertThat(s.withTargetSeenFromSource(tunnel).targetForReverseSubscription()).isEqualTo(tunnel);
        assertThat(s.reverseReplicationName()).isEqualTo("tierlift_notes_reverse");
    }

    @Test
    void dumpPutsMaintenanceBeforeTheCopy() {
        MigrationSettings s = MigrationSettings.defaults("notes", "onprem", "aws-iaas", src, dst, Method.DUMP, Path.of("/tmp"));
        assertThat(MigrationStep.stepsFor(s)).extracting(MigrationStep::name).containsSubsequence("maintenance", "dump", "restore", "verify", "switch");
        assertThat(MigrationStep.stepsFor(s).get(3).summary()).contains("pg_dump -Fd -j 2");
    }

    @Test
    void endpointsCarryReferencesOnlyAndRefuseLiteralPasswords() {
        assertThat(src.password()).map(Object::toString).contains("${env:PW}");
        assertThat(dst.port()).isEqualTo(5432);
        assertThat(dst.toString()).isEqualTo("postgresql://admin@db.example.com:5432/notes?password_ref=${file:/s/pw}");
        assertThat(DbEndpoint.parse("postgresql://u@h/db").password()).isEqualTo(Optional.empty());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DbEndpoint.parse("postgresql://u:hunter2@h/db"))
                .hasMessageContaining("literal password").hasMessageNotContaining("hunter2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DbEndpoint.parse("postgresql://u@h/db?password=hunter2"))
                .hasMessageContaining("literal password").hasMessageNotContaining("hunter2");
    }
}
