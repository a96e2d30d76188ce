package io.tierlift.cli.migrate;

import io.tierlift.migrate.TrafficSwitch.Side;
import io.tierlift.provider.Target;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class PrintedTrafficSwitchTest {
    @Test
    void eachStepNamesTheTierItAppliesToAndNeedsNoTerminal() {
        StringWriter text = new StringWriter();
        PrintedTrafficSwitch manual = new PrintedTrafficSwitch(Target.ONPREM, Target.AWS_IAAS, new PrintWriter(text), () -> null);

        manual.maintenance(Side.SOURCE, true);
        manual.switchTo(Side.TARGET);
        manual.maintenance(Side.TARGET, false);

        assertThat(text.toString().lines().toList()).containsExactly(
                "maintenance: writes must stop now on the onprem tier. Put the app in maintenance "
                        + "(on-prem: create the nginx maintenance flag file on the proxy hosts).",
                "switch: point the app's domain (and its clients) at the aws-iaas tier now; that tier's database is the one to use from this moment.",
                "maintenance: the aws-iaas tier may take writes again (on-prem: remove the maintenance flag file).");
    }
}
