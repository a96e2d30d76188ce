package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.DestroyOutcome;
import io.tierlift.tier.DestroyPreview;
import io.tierlift.tier.DestroyRequest;
import io.tierlift.tier.Operation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "destroy", description = {"Remove what tierlift deployed to the target.",
        "AWS: every stack, keeping a final database snapshot. onprem: stops and disables tierlift's services, removes its "
                + "files, releases and firewall table (SSH as before tierlift) from every host, under the deploy lease; "
                + "the PostgreSQL clusters stay unless --force-data-deletion. Packages stay installed.",
        "Without --yes, prints what would be removed (on-prem: host by host) and changes nothing."})
public final class DestroyCommand implements Callable<Integer> {
    private final Application app;

    @Mixin
    TargetArguments on;
    @Mixin
    AccountOptions account;
    @Option(names = "--yes", description = "Do it; without it destroy changes nothing and exits 1 (onprem: after printing what it would remove, host by host).")
    boolean yes;
    @Option(names = "--force-data-deletion", description = {"Also delete the data.",
            "aws-iaas: delete the data stack, turning its termination protection off first (RDS keeps a final snapshot); "
                    + "without it, destroy stops at the data stack. If the protection can't be turned off, a warning is "
                    + "printed and the delete is tried anyway.",
            "onprem: take a final pg_dump (custom format) of the app database into ~/.tierlift/dumps/ on this machine "
                    + "(path printed), then drop the PostgreSQL clusters and the backup repository."})
    boolean forceDataDeletion;

    DestroyCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        Operation[] asked = new Operations(Operation.DESTROY).when(forceDataDeletion, Operation.DESTROY_DATA)
                .and(account.operations()).toArray();
        on.refuseUnsupported(app, asked);
        LoadedDescriptor loaded = on.load(app);
        DestroyRequest request = new DestroyRequest(forceDataDeletion, dumpDirectory());
        if (!yes) {
            Optional<DestroyPreview> preview = on.onTier(app, account.scope(loaded.descriptor()), asked, tier -> tier.previewDestroy(request));
            if (preview.isEmpty()) {
                throw new UserException("destroy deletes every stack and empties the site and artifacts buckets; "
                        + "run with --yes to confirm (the database keeps a final snapshot)");
            }
            preview.get().lines().forEach(app.console().out()::println);
            throw new UserException("nothing was changed: the above is what destroy would do; run with --yes to do it");
        }
        DestroyOutcome outcome = on.onTier(app, account.scope(loaded.descriptor()), asked, tier -> tier.destroy(request));
        if (outcome.summary().isEmpty()) {
            app.console().info("deleted " + outcome.deleted().size() + " stack(s): " + outcome.deleted());
        } else {
            outcome.summary().forEach(app.console()::info);
        }
        return ExitCode.OK;
    }

    /** Where a final on-prem dump goes: the operator's own tierlift folder, beside its cache. */
    private Path dumpDirectory() {
        return Optional.ofNullable(app.environment().get("HOME")).filter(h -> !h.isBlank()).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"))).resolve(".tierlift").resolve("dumps");
    }
}
