package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.MaintenanceOutcome;
import io.tierlift.tier.MaintenanceRequest;
import io.tierlift.tier.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "maintenance", description = {"Turn maintenance on or off: while it is on, every request gets the 503 maintenance page.",
        "The same switch migrate uses; status shows it, and a deploy during maintenance leaves it on.",
        "onprem: a flag file on every nginx host (no reload); the app's writes are drained before 'on' returns.",
        "aws-iaas: a fixed-503 rule of priority 1 on the ALB's listeners.",
        "aws-serverless: TIERLIFT_MAINTENANCE=on in the function version the alias serves.",
        "Asking for the state the tier is already in changes nothing and says so."},
        subcommands = {MaintenanceCommand.On.class, MaintenanceCommand.Off.class})
public final class MaintenanceCommand {

    @Command(name = "on", description = "Every request gets the 503 maintenance page until maintenance off.")
    static final class On implements Callable<Integer> {
        private final Application app;
        @Mixin
        TargetArguments on;
        @Mixin
        AccountOptions account;

        On(Application app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            return switchTo(app, on, account, true);
        }
    }

    @Command(name = "off", description = "The app serves requests again.")
    static final class Off implements Callable<Integer> {
        private final Application app;
        @Mixin
        TargetArguments on;
        @Mixin
        AccountOptions account;

        Off(Application app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            return switchTo(app, on, account, false);
        }
    }

    private static int switchTo(Application app, TargetArguments on, AccountOptions account, boolean wanted) {
        Operation[] asked = new Operations(Operation.MAINTENANCE).and(account.operations()).toArray();
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        MaintenanceOutcome outcome = on.onTier(app, account.scope(loaded.descriptor()), asked,
                tier -> tier.maintenance(new MaintenanceRequest(wanted)));
        String state = outcome.on() ? "on" : "off";
        PrintWriter out = app.console().out();
        out.println(outcome.changed()
                ? "Maintenance " + state + " for " + on.target().key() + ": " + outcome.switchDescription() + "."
                : "Maintenance is already " + state + " for " + on.target().key() + ": nothing changed (" + outcome.switchDescription() + ").");
        out.flush();
        return ExitCode.OK;
    }
}
