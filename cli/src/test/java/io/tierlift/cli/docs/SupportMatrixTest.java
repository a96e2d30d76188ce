package io.tierlift.cli.docs;

import io.tierlift.provider.Target;
import io.tierlift.tier.Operation;
import io.tierlift.tier.Tier;
import io.tierlift.tier.TierScope;
import io.tierlift.tier.TierFactory;
import io.tierlift.tier.TierRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SupportMatrixTest {
    private static TierFactory declaring(Target target, Set<Operation> operations) {
        return new TierFactory() {
            @Override
            public Target target() {
                return target;
            }

            @Override
            public Set<Operation> operations() {
                return operations;
            }

            @Override
            public Tier open(TierScope scope) {
                throw new AssertionError("the docs open no tier");
            }
        };
    }

    private final TierRegistry tiers = new TierRegistry(List.of(
            declaring(Target.ONPREM, Set.of(Operation.PLAN, Operation.DEPLOY, Operation.DEPLOY_ROLLBACK)),
            declaring(Target.AWS_IAAS, Set.of(Operation.PLAN, Operation.DEPLOY))));

    @Test
    void theTableSaysYesExactlyWhereATierDeclaresTheOperation() {
        String table = new SupportMatrix(tiers).table();
        assertThat(table).startsWith("| command | `onprem` | `aws-iaas` |\n|---|---|---|\n");
        assertThat(table).contains("| `deploy --rollback` | yes | refused (exit 64) |\n");
        assertThat(table).contains("| `plan` | yes | yes |\n");
        assertThat(table).contains("| `destroy` | refused (exit 64) | refused (exit 64) |\n");
    }

    @Test
    void aGuideListsWhatItsTierRefusesAndWhereThatExists() {
        String aws = new SupportMatrix(tiers).forTier(Target.AWS_IAAS);
        assertThat(aws).startsWith("Supported for `aws-iaas`: `plan`, `deploy`.\n");
        assertThat(aws).contains("- `deploy --rollback` (onprem)\n").contains("- `destroy` (no tier yet)\n");
    }

    @Test
    void aGeneratedSectionIsReplacedBetweenItsMarkersAndTheProseAroundItStays() {
        GeneratedSection section = new GeneratedSection("matrix");
        String doc = "intro\n" + section.begin() + "\nold\n" + section.end() + "\noutro\n";
        String updated = section.replace(doc, "new\n");
        assertThat(updated).isEqualTo("intro\n" + section.begin() + "\nnew\n" + section.end() + "\noutro\n");
        assertThat(section.read(updated)).isEqualTo("\nnew\n");
        assertThatThrownBy(() -> new GeneratedSection("other").read(doc)).hasMessageContaining("no section 'other'");
    }
}
