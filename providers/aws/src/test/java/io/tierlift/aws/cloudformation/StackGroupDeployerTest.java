package io.tierlift.aws.cloudformation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackGroupDeployerTest {
    private final StackGroupDeployer group = new StackGroupDeployer(null);

    private static StackRequest stack(String name, Map<String, OutputRef> sources) {
        return new StackRequest(name, "eu-west-1", "{}", Map.of(), Map.of(), false, Set.of(), sources);
    }

    @Test
    void dependenciesGoFirstOtherwiseTheGivenOrderHolds() {
        List<StackRequest> ordered = group.order(List.of(
                stack("app", Map.of("VpcId", new OutputRef("net", "VpcId"), "DbHost", new OutputRef("db", "Endpoint"))),
                stack("edge", Map.of()),
                stack("db", Map.of("SubnetIds", new OutputRef("net", "PrivateSubnets"))),
                stack("net", Map.of()),
                stack("app-b", Map.of("Bucket", new OutputRef("shared-outside", "Bucket")))));

        assertThat(ordered).extracting(StackRequest::stackName).containsExactly("edge", "net", "app-b", "db", "app");
    }

    @Test
    void cyclesAreNamed() {
        assertThatThrownBy(() -> group.order(List.of(
                stack("a", Map.of("X", new OutputRef("b", "X"))),
                stack("b", Map.of("Y", new OutputRef("a", "Y"))),
                stack("c", Map.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycle").hasMessageContaining("a").hasMessageContaining("b");
    }

    @Test
    void aParameterHasEitherAValueOrASource() {
        assertThatThrownBy(() -> new StackRequest("a", "eu-west-1", "{}", Map.of("X", "1"), Map.of(), false, Set.of(),
                Map.of("X", new OutputRef("b", "X"))))
                .hasMessageContaining("parameter X has both a value and an output source");
    }

    @Test
    void requestsKeepParameterValuesOutOfTheirText() {
        StackRequest request = new StackRequest("db", "eu-west-1", "{}", Map.of("DbPassword", "s3cret"), Map.of(), false, Set.of());
        assertThat(request.toString()).doesNotContain("s3cret").contains("DbPassword");
    }
}
