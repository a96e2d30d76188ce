package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;
import io.tierlift.tier.NetworkPath;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkPathCheckTest {
    private final DbEndpoint source = DbEndpoint.parse("postgresql://notes@10.240.71.1:5433/notes?password_ref=${env:PW}");

    @Test
    void anOpenPathIsNamedWithBothEndsAndWhereItWasChecked() {
        Preflight.Finding finding = NetworkPathCheck.require("onprem", source,
                Optional.of(new NetworkPath("db1", "10.240.71.1", 5433, true, "connected")));
        assertThat(finding.describe()).isEqualTo("info: network path: db1 (the onprem db-primary) connects to the source database at "
                + "10.240.71.1:5433 (TCP, for the subscription): open, checked from db1");
    }

    @Test
    void aClosedPathRefusesNamingBothEndsThePortAndTheWayOut() {
        Optional<NetworkPath> closed = Optional.of(new NetworkPath("db1", "10.240.71.1", 5433, false, "connect: Connection refused"));
        assertThat(NetworkPathCheck.finding("onprem", source, closed).severity()).isEqualTo(Preflight.Severity.BLOCKER);
        assertThatThrownBy(() -> NetworkPathCheck.require("onprem", source, closed)).isInstanceOf(MigrationException.class)
                .hasMessage("preflight refused the migration:\n"
                        + "  blocker: network path: db1 (the onprem db-primary) cannot connect to the source database at 10.240.71.1:5433 "
                        + "(TCP, for the subscription), checked from db1: connect: Connection refused. Fix: allow TCP port 5433 from db1 "
                        + "to 10.240.71.1 (firewalls, routes, the source's security group and pg_hba), or name an address db1 does "
                        + "reach with --source-db-for-target\n"
                        + "Nothing was changed.");
    }

    @Test
    void aServerTierliftRunsNothingOnIsNamedButNotChecked() {
        Preflight.Finding finding = NetworkPathCheck.require("aws-iaas", source, Optional.empty());
        assertThat(finding.severity()).isEqualTo(Preflight.Severity.INFO);
        assertThat(finding.message()).startsWith("the aws-iaas tier's database server connects to the source database at 10.240.71.1:5433")
                .contains("not checked from there");
    }
}
