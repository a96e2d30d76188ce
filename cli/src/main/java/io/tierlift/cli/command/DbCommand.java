package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "db", description = "Work with the app's database directly.", subcommands = {DbCommand.Shell.class})
public final class DbCommand {
    @Command(name = "shell", description = {"Open psql on this machine against the primary database, as the app's database role.",
            "Queries on standard input run without a prompt (echo 'select 1' | tierlift db shell onprem -f app.yaml); psql's exit "
                    + "code is tierlift's. Needs psql here (Debian: postgresql-client); the password reaches it in a temporary "
                    + "password file, never on a command line.",
            "onprem: through an SSH tunnel to the db-primary host, the one migrate uses."})
    static final class Shell implements Callable<Integer> {
        private final Application app;
        @Mixin
        TargetArguments on;

        Shell(Application app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            Operation[] asked = {Operation.DB_SHELL};
            on.refuseUnsupported(app, asked);
            LoadedDescriptor loaded = on.load(app);
            var streams = app.terminal().streams(app.environment().getOrDefault("TERM", "xterm"));
            String path = app.environment().getOrDefault("PATH", "");
            return on.onTier(app, TierScope.of(loaded.descriptor()), asked,
                    tier -> tier.dbShell(new io.tierlift.tier.DbShellRequest(streams, path)));
        }
    }
}
