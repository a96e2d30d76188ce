package io.tierlift.render.aws.iaas;

import io.tierlift.model.Cidr;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SubnetLayoutTest {
    @Test
    void splitsASlash16IntoEighths() {
        SubnetLayout layout = SubnetLayout.carve(Cidr.parse("10.20.0.0/16"));
        assertThat(layout.publicSubnets()).extracting(Cidr::toString).containsExactly("10.20.0.0/19", "10.20.32.0/19");
        assertThat(layout.appSubnets()).extracting(Cidr::toString).containsExactly("10.20.64.0/19", "10.20.96.0/19");
        assertThat(layout.dbSubnets()).extracting(Cidr::toString).containsExactly("10.20.128.0/19", "10.20.160.0/19");
    }

    @Test
    void aSlash24StillGivesSubnetsLargeEnoughForAnAlb() {
        Cidr vpc = Cidr.parse("10.50.7.0/24");
        SubnetLayout layout = SubnetLayout.carve(vpc);
        List<Cidr> all = new ArrayList<>(layout.publicSubnets());
        all.addAll(layout.appSubnets());
        all.addAll(layout.dbSubnets());
        assertThat(all).allSatisfy(subnet -> {
            assertThat(vpc.contains(subnet)).isTrue();
            assertThat(subnet.prefix()).isEqualTo(27);
        });
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                assertThat(all.get(i).overlaps(all.get(j))).as("%s and %s", all.get(i), all.get(j)).isFalse();
            }
        }
        assertThat(layout.dbSubnets().get(1).toString()).isEqualTo("10.50.7.160/27");
    }
}
