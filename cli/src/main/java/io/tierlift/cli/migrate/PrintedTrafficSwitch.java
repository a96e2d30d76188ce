package io.tierlift.cli.migrate;

import io.tierlift.migrate.TrafficSwitch;
import io.tierlift.provider.Target;

import java.io.Console;
import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * {@code migrate --traffic manual}: for operators whose load balancers and DNS are not tierlift's
 * to touch. Each maintenance and switch step is printed as an instruction; on a terminal the
 * migration waits until the operator confirms it is done, so the copy never races their hands.
 */
public final class PrintedTrafficSwitch implements TrafficSwitch {
    private final Target from;
    private final Target to;
    private final PrintWriter out;
    private final Supplier<Console> console;

    public PrintedTrafficSwitch(Target from, Target to, PrintWriter out) {
        this(from, to, out, System::console);
    }

    PrintedTrafficSwitch(Target from, Target to, PrintWriter out, Supplier<Console> console) {
        this.from = from;
        this.to = to;
        this.out = out;
        this.console = console;
    }

    @Override
    public void maintenance(Side side, boolean on) {
        Target where = side == Side.TARGET ? to : from;
        out.println(on ? "maintenance: writes must stop now on the " + where + " tier. Put the app in maintenance "
                + "(on-prem: create the nginx maintenance flag file on the proxy hosts)."
                : "maintenance: the " + where + " tier may take writes again (on-prem: remove the maintenance flag file).");
        waitForOperator();
    }

    @Override
    public void switchTo(Side side) {
        Target where = side == Side.TARGET ? to : from;
        out.println("switch: point the app's domain (and its clients) at the " + where
                + " tier now; that tier's database is the one to use from this moment.");
        waitForOperator();
    }

    private void waitForOperator() {
        out.flush();
        Console terminal = console.get();
        if (terminal != null) {
            terminal.readLine("Press Enter when done: ");
        }
    }
}
