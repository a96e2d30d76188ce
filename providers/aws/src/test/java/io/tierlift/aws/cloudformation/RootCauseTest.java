package io.tierlift.aws.cloudformation;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RootCauseTest {
    private static int seq;

    private static StackEvent event(String logicalId, String type, String status, String reason) {
        seq++;
        return new StackEvent("ev-" + seq, Instant.parse("2026-11-21T09:00:00Z").plusSeconds(seq), logicalId, type, status,
                Optional.ofNullable(reason));
    }

    @Test
    void skipsCancellationsEvenWhenTheyAreLoggedFirst() {
        // Same-second failures can be logged in either order; the cancellation is never the cause.
        List<StackEvent> events = List.of(
                event("app", "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS", "User Initiated"),
                event("Listener", "AWS::ElasticLoadBalancingV2::Listener", "UPDATE_FAILED", "Resource update cancelled"),
                event("Db", "AWS::RDS::DBInstance", "UPDATE_FAILED", "DB instance class db.x9.huge is not supported"),
                event("app", "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_IN_PROGRESS",
                        "The following resource(s) failed to update: [Db, Listener]."),
                event("Db", "AWS::RDS::DBInstance", "UPDATE_FAILED", "later failure during rollback"),
                event("app", "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_COMPLETE", null));

        assertThat(new RootCause().find(events)).get()
                .extracting(StackEvent::reason).isEqualTo(Optional.of("DB instance class db.x9.huge is not supported"));
    }

    @Test
    void fallsBackToTheStacksOwnFailure() {
        List<StackEvent> events = List.of(
                event("app", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
                event("app", "AWS::CloudFormation::Stack", "CREATE_FAILED", "Hook failed: tags missing"),
                event("app", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", null));

        assertThat(new RootCause().find(events)).get().extracting(StackEvent::status).isEqualTo("CREATE_FAILED");
    }

    @Test
    void noFailureNoCause() {
        assertThat(new RootCause().find(List.of(event("app", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE", null)))).isEmpty();
    }
}
