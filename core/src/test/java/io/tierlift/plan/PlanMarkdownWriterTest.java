package io.tierlift.plan;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PlanMarkdownWriterTest {

    private static String markdown(List<PlannedChange> changes) {
        Plan plan = new Plan(1, "notes", "default", "aws-iaas", "d", Instant.EPOCH, changes, Map.of());
        StringWriter text = new StringWriter();
        new PlanMarkdownWriter().write(plan, new PrintWriter(text));
        return text.toString();
    }

    @Test
    void listsChangedResourcesInATableWithCounts() {
        String md = markdown(List.of(
                PlannedChange.of("network/Vpc", "AWS::EC2::VPC", Action.CREATE, "new VPC"),
                PlannedChange.of("network/PublicSubnetA", "AWS::EC2::Subnet", Action.CREATE, "new subnet"),
                PlannedChange.of("compute/LaunchTemplate", "AWS::EC2::LaunchTemplate", Action.UPDATE, "user data | image"),
                PlannedChange.of("compute/InstanceRole", "AWS::IAM::Role", Action.NO_OP, "unchanged")));

        assertThat(md).startsWith("## tierlift plan: notes on aws-iaas\n");
        assertThat(md).contains("**Plan:** 2 to create, 1 to update, 0 to replace, 0 to delete, 1 unchanged.");
        assertThat(md).contains("| action | address | kind | summary |\n|---|---|---|---|\n");
        assertThat(md).contains("| `+` create | `network/Vpc` | AWS::EC2::VPC | new VPC |");
        // A pipe in a summary must not split the row.
        assertThat(md).contains("| `~` update | `compute/LaunchTemplate` | AWS::EC2::LaunchTemplate | user data \\| image |");
        assertThat(md).doesNotContain("InstanceRole");
        assertThat(md).contains("1 resources unchanged.");
        assertThat(md).doesNotContain("WARNING");
    }

    @Test
    void callsOutDataLossAndLeavesDiffsOut() {
        PlannedChange db = new PlannedChange("data/Database", "AWS::RDS::DBInstance", Action.REPLACE, "engine version",
                Optional.of("-old\n+new"), List.of("EngineVersion requires replacement"), true);
        String md = markdown(List.of(db));

        assertThat(md).contains("| `-/+` replace | `data/Database` | AWS::RDS::DBInstance | engine version **(data loss)** |");
        assertThat(md).contains("> [!WARNING]\n> 1 change replaces or deletes data:\n> - `data/Database` (replace): EngineVersion requires replacement");
        assertThat(md).doesNotContain("+new");
    }

    @Test
    void saysNoChangesWhenNothingChanges() {
        String md = markdown(List.of(PlannedChange.of("a", "file", Action.NO_OP, "same")));
        assertThat(md).contains("**No changes.** aws-iaas matches the descriptor (1 resources checked).");
        assertThat(md).doesNotContain("| action |");
    }
}
