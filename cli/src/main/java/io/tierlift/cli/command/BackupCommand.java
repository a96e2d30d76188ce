package io.tierlift.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.descriptor.LoadedDescriptor;
import io.tierlift.tier.BackupEntry;
import io.tierlift.tier.BackupType;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "backup", description = {"Back up the database now, or list its backups.",
        "onprem: pgBackRest on the host with role backup, or on the primary when the repository is an S3-compatible bucket (database.backup)."},
        subcommands = {BackupCommand.Now.class, BackupCommand.ListBackups.class})
public final class BackupCommand {
    /** {@code backup now --type}: lower-case constants so picocli accepts exactly full, diff and incr. */
    enum TypeOption { full, diff, incr }

    /** {@code backup list --output}. */
    enum ListFormat { text, json }

    @Command(name = "now", description = {"Take a backup of the database now and show it.",
            "A differential or incremental backup needs a full one to build on; pgBackRest takes a full one instead when there is none."})
    static final class Now implements Callable<Integer> {
        private final Application app;
        @Mixin
        TargetArguments on;
        @Option(names = "--type", paramLabel = "TYPE", defaultValue = "full",
                description = "full (default), diff (changes since the last full backup) or incr (since the last backup).")
        TypeOption type;

        Now(Application app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            Operation[] asked = {Operation.BACKUP_NOW};
            on.refuseUnsupported(app, asked);
            LoadedDescriptor loaded = on.load(app);
            BackupType wanted = BackupType.fromKey(type.name()).orElseThrow();
            BackupEntry entry = on.onTier(app, TierScope.of(loaded.descriptor()), asked, tier -> tier.backupNow(wanted));
            PrintWriter out = app.console().out();
            out.println(header());
            out.println(row(entry));
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List the database's backups, oldest first: time, type, size and the WAL each needs.")
    static final class ListBackups implements Callable<Integer> {
        private final Application app;
        @Mixin
        TargetArguments on;
        @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text (a table) or json (an array on stdout).")
        ListFormat output;

        ListBackups(Application app) {
            this.app = app;
        }

        @Override
        public Integer call() throws JsonProcessingException {
            Operation[] asked = {Operation.BACKUP_LIST};
            on.refuseUnsupported(app, asked);
            LoadedDescriptor loaded = on.load(app);
            List<BackupEntry> entries = on.onTier(app, TierScope.of(loaded.descriptor()), asked, tier -> tier.backups());
            PrintWriter out = app.console().out();
            if (output == ListFormat.json) {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json(entries)));
            } else if (entries.isEmpty()) {
                out.println("No backups yet.");
            } else {
                out.println(header());
                entries.forEach(e -> out.println(row(e)));
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    static String header() {
        return String.format("%-26s %-5s %-20s %-20s %12s %12s  %s", "ID", "TYPE", "STARTED", "FINISHED", "DB SIZE", "REPO SIZE",
                "WAL");
    }

    static String row(BackupEntry e) {
        return String.format("%-26s %-5s %-20s %-20s %12d %12d  %s", e.id(), e.type(), e.started(), e.finished(),
                e.databaseBytes(), e.repositoryBytes(), e.walStart().orElse("-") + ".." + e.walStop().orElse("-"));
    }

    static ArrayNode json(List<BackupEntry> entries) {
        ArrayNode array = new ObjectMapper().createArrayNode();
        for (BackupEntry e : entries) {
            ObjectNode node = array.addObject();
            node.put("id", e.id());
            node.put("type", e.type().key());
            node.put("started", e.started().toString());
            node.put("finished", e.finished().toString());
            node.put("database_bytes", e.databaseBytes());
            node.put("repository_bytes", e.repositoryBytes());
            node.put("wal_start", e.walStart().orElse(null));
            node.put("wal_stop", e.walStop().orElse(null));
        }
        return array;
    }
}
