package io.tierlift.migrate;

import io.tierlift.provider.Progress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The logical method's schema, in two parts: the tables before the copy, the secondary indexes and
 * foreign keys after it, each restored in one transaction (see {@link SchemaSections}).
 */
final class SchemaCopy {
    private static final String SCOPE = Phase.COPY.key();

    private final MigrationContext context;
    private final Sessions db;

    SchemaCopy(MigrationContext context, Sessions db) {
        this.context = context;
        this.db = db;
    }

    void schema() {
        Sql source = db.source();
        Sql target = db.target();
        Catalog catalog = context.catalog();
        if (!catalog.tables(target).isEmpty()) {
            context.progress().step(SCOPE, "the target already has the schema (an earlier run applied it)");
            return;
        }
        restoreSchemaPart(source, true);
        context.progress().step(SCOPE, "schema applied: " + catalog.tables(target).size() + " tables (secondary indexes and "
                + "foreign keys follow once the rows are in)");
    }

    /**
     * After the initial copy: the secondary indexes and foreign keys, built once over the loaded rows
     * rather than maintained row by row during the copy. The subscription keeps running meanwhile
     * (it waits on each table while its index builds, then catches up).
     */
    void indexes() {
        Sql source = db.source();
        Sql target = db.target();
        Catalog catalog = context.catalog();
        if (catalog.indexesAndForeignKeys(target) >= catalog.indexesAndForeignKeys(source)) {
            context.progress().step(SCOPE, "secondary indexes and foreign keys are already on the target (an earlier run built them)");
        } else {
            long started = System.nanoTime();
            int built = restoreSchemaPart(source, false);
            context.progress().step(SCOPE, built + " secondary indexes, foreign keys and their comments built in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
        settle(target, catalog, context.progress());
    }

    /**
     * Freshly copied tables have no planner statistics and no hint bits: the first scans would pick
     * sequential scans per key range and rewrite every page. Vacuum and analyze them now, before
     * the verify, so it is quick.
     */
    static void settle(Sql target, Catalog catalog, Progress progress) {
        for (TableRef t : catalog.tables(target)) {
            target.execute("VACUUM (ANALYZE) " + t.qualified());
        }
        progress.step(SCOPE, "target tables vacuumed and analyzed");
    }

    /**
     * Dumps the source's schema and restores one part of it on the target, in one transaction: a
     * crash leaves that part either absent or complete. Returns the entries restored.
     */
    private int restoreSchemaPart(Sql source, boolean early) {
        MigrationSettings settings = context.settings();
        PgTools tools = context.tools();
        Path dir = tempDir();
        try {
            Path dump = dir.resolve("schema.dump");
            tools.run("pg_dump", PgTools.args(List.of("-Fc", "--schema-only", "--no-publications", "--no-subscriptions", "-f",
                    dump.toString()), tools.connectionArgs(settings.source())), List.of(settings.source()), this::report);
            Path toc = dir.resolve("toc.list");
            tools.run("pg_restore", List.of("-l", "-f", toc.toString(), dump.toString()), List.of(), this::report);
            SchemaSections.Split split = new SchemaSections().split(Files.readAllLines(toc), context.catalog().indexesNeededForApply(source));
            List<String> part = early ? split.early() : split.late();
            if (part.isEmpty()) {
                return 0;
            }
            Path list = dir.resolve("part.list");
            Files.write(list, part);
            tools.run("pg_restore", PgTools.args(List.of("--single-transaction", "--exit-on-error", "-L", list.toString()),
                    tools.connectionArgs(settings.target()), List.of(dump.toString())), List.of(settings.target()), this::report);
            return part.size();
        } catch (IOException e) {
            throw new MigrationException("cannot read the schema dump's contents under " + dir + ": " + e.getMessage());
        } finally {
            PgTools.deleteTree(dir);
        }
    }

    private void report(String toolOutput) {
        context.progress().step(SCOPE, toolOutput);
    }

    private Path tempDir() {
        Path workDir = context.settings().workDir();
        try {
            Files.createDirectories(workDir);
            return Files.createTempDirectory(workDir, "tierlift-schema");
        } catch (IOException e) {
            throw new MigrationException("cannot create a work directory under " + workDir + ": " + e.getMessage());
        }
    }
}
