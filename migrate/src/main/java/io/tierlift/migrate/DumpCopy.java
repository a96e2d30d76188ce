package io.tierlift.migrate;

import io.tierlift.provider.Progress;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The dump method's copy, while writes are stopped: pg_dump of the source into a directory, pg_restore of it into the target. */
final class DumpCopy {
    private static final String SCOPE = Phase.COPY.key();
    private static final Pattern RESTORED = Pattern.compile(".*finished item \\d+ TABLE DATA (\\S+) (\\S+).*");

    private final MigrationContext context;
    private final JournalKeeper journal;

    DumpCopy(MigrationContext context, JournalKeeper journal) {
        this.context = context;
        this.journal = journal;
    }

    void dump() {
        MigrationSettings settings = context.settings();
        PgTools tools = context.tools();
        Path dir = settings.workDir().resolve("tierlift-dump-" + settings.replicationName());
        // A partial dump from a crash is not reusable: start it over.
        PgTools.deleteTree(dir);
        journal.record(j -> j.withDumpDir(dir.toString()));
        tools.run("pg_dump", PgTools.args(List.of("-Fd", "-j", Integer.toString(settings.parallelism()), "--no-publications",
                        "--no-subscriptions", "-f", dir.toString()), tools.connectionArgs(settings.source())),
                List.of(settings.source()), line -> context.progress().step(SCOPE, line));
        context.progress().step(SCOPE, "dumped into " + dir);
    }

    void restore() {
        MigrationSettings settings = context.settings();
        PgTools tools = context.tools();
        Progress progress = context.progress();
        String dumpDir = journal.current().dumpDir();
        // --clean --if-exists makes a second run after a crash start from the same empty state.
        tools.run("pg_restore", PgTools.args(List.of("-v", "--clean", "--if-exists", "-j", Integer.toString(settings.parallelism())),
                tools.connectionArgs(settings.target()), List.of(dumpDir)), List.of(settings.target()), line -> {
            Matcher m = RESTORED.matcher(line);
            if (m.matches()) {
                progress.step(SCOPE, m.group(1) + "." + m.group(2) + ": restored");
            }
        });
        try (Sql target = context.servers().target()) {
            SchemaCopy.settle(target, context.catalog(), progress);
            for (TableRef t : context.catalog().tables(target)) {
                long rows = target.number("SELECT count(*) FROM " + t.qualified());
                long bytes = target.number("SELECT pg_total_relation_size(?::regclass)", t.qualified());
                progress.step(SCOPE, t.display() + ": " + rows + " rows, " + Preflight.humanBytes(bytes));
            }
        }
        PgTools.deleteTree(Path.of(dumpDir));
    }
}
