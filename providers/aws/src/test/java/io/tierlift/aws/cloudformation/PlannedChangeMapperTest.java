package io.tierlift.aws.cloudformation;

import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PlannedChangeMapperTest {
    private final PlannedChangeMapper mapper = new PlannedChangeMapper();

    private static ResourceChange change(ChangeAction action, String type, Replacement replacement) {
        return new ResourceChange(action, "Res", Optional.empty(), type, replacement, List.of("Properties"), List.of());
    }

    @Test
    void statefulResourcesLoseDataOnlyWhenReplacedOrRemoved() {
        String db = "AWS::RDS::DBInstance";
        assertThat(mapper.map("s", change(ChangeAction.ADD, db, Replacement.NOT_APPLICABLE)))
                .extracting(PlannedChange::action, PlannedChange::dataLoss).containsExactly(Action.CREATE, false);
        assertThat(mapper.map("s", change(ChangeAction.MODIFY, db, Replacement.FALSE)))
                .extracting(PlannedChange::action, PlannedChange::dataLoss).containsExactly(Action.UPDATE, false);
        assertThat(mapper.map("s", change(ChangeAction.MODIFY, db, Replacement.TRUE)))
                .extracting(PlannedChange::action, PlannedChange::dataLoss).containsExactly(Action.REPLACE, true);
        assertThat(mapper.map("s", change(ChangeAction.REMOVE, "AWS::RDS::DBCluster", Replacement.NOT_APPLICABLE)))
                .extracting(PlannedChange::action, PlannedChange::dataLoss).containsExactly(Action.DELETE, true);
        assertThat(mapper.map("s", change(ChangeAction.REMOVE, "AWS::EC2::Subnet", Replacement.NOT_APPLICABLE)))
                .extracting(PlannedChange::action, PlannedChange::dataLoss).containsExactly(Action.DELETE, false);
        assertThat(mapper.map("s", change(ChangeAction.MODIFY, "AWS::EC2::Subnet", Replacement.TRUE)))
                .extracting(PlannedChange::action, PlannedChange::dataLoss).containsExactly(Action.REPLACE, false);
    }

    @Test
    void conditionalReplacementOfATableWarnsOfDataLoss() {
        PlannedChange planned = mapper.map("data", change(ChangeAction.MODIFY, "AWS::DynamoDB::Table", Replacement.CONDITIONAL));

        assertThat(planned.action()).isEqualTo(Action.UPDATE);
        assertThat(planned.dataLoss()).isTrue();
        assertThat(planned.summary()).isEqualTo("update, may replace (Properties)");
        assertThat(planned.reasons()).first().asString().contains("known only during the deploy");
        assertThat(planned.address()).isEqualTo("data/Res");
        assertThat(planned.kind()).isEqualTo("AWS::DynamoDB::Table");
        assertThat(planned.diff()).isEmpty();
    }
}
