package io.tierlift.migrate;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Compares both databases table by table: row counts and content digests computed in each
 * server, chunk by chunk over primary key ranges, the two sides at the same time.
 */
public final class Verifier {
    /** Width of one key range; big enough that per-query overhead is small, small enough to keep string_agg modest. */
    private final long chunkWidth;
    private final ChecksumSql checksums = new ChecksumSql();

    public Verifier(long chunkWidth) {
        this.chunkWidth = chunkWidth;
    }

    public record Chunk(Long from, Long to) {
        public String describe() {
            return "[" + (from == null ? "-inf" : from) + ", " + (to == null ? "+inf" : to) + ")";
        }
    }

    public record ChunkDigest(Chunk chunk, long rows, String digest) {
    }

    public record TableDigest(String table, long rows, List<ChunkDigest> chunks) {
        /** One value per table, for remembering a table's state compactly (in the journal). */
        public String fingerprint() {
            StringBuilder sb = new StringBuilder();
            chunks.forEach(c -> sb.append(c.rows()).append(':').append(c.digest()).append(';'));
            try {
                byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return rows + "/" + java.util.HexFormat.of().formatHex(hash);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
            }
        }
    }

    /** One key range whose count or digest differs; the source's digest tells a re-check whether the range changed meanwhile. */
    public record Mismatch(String table, Chunk range, long sourceRows, long targetRows, String sourceDigest) {
        public String chunk() {
            return range.describe();
        }

        /** "schema.table [from, to)": how the journal remembers a differing range. */
        public String where() {
            return table + " " + range.describe();
        }

        public String describe() {
            return where() + ": " + sourceRows + " rows on the source, " + targetRows + " on the target"
                    + (sourceRows == targetRows ? " (same count, different content)" : "");
        }
    }

    public record Report(Map<String, TableDigest> source, Map<String, TableDigest> target, List<Mismatch> mismatches,
                         long sourceMillis, long targetMillis) {
        public boolean matches() {
            return mismatches.isEmpty();
        }

        public long rows() {
            return source.values().stream().mapToLong(TableDigest::rows).sum();
        }
    }

    /** Key ranges for a table, taken from the source's bounds; the outer ranges are open so extra target rows are counted too. */
    public List<Chunk> chunks(Sql source, TableRef table) {
        if (!table.integerLeadingKey()) {
            return List.of(new Chunk(null, null));
        }
        long[] bounds = source.one(checksums.keyBounds(table), rs -> new long[]{rs.getLong(1), rs.wasNull() ? 0 : 1, rs.getLong(2)});
        if (bounds[1] == 0) {
            return List.of(new Chunk(null, null));
        }
        List<Chunk> out = new ArrayList<>();
        long lo = bounds[0];
        long hi = bounds[2];
        Long from = null;
        for (long edge = lo + chunkWidth; edge <= hi; edge += chunkWidth) {
            out.add(new Chunk(from, edge));
            from = edge;
        }
        out.add(new Chunk(from, null));
        return out;
    }

    public TableDigest digest(Sql db, TableRef table, List<Chunk> chunks) {
        List<ChunkDigest> out = new ArrayList<>();
        long rows = 0;
        for (Chunk chunk : chunks) {
            String sql = checksums.chunk(table, chunk.from() != null, chunk.to() != null);
            try (PreparedStatement ps = db.connection().prepareStatement(sql)) {
                int i = 1;
                if (chunk.from() != null) {
                    ps.setLong(i++, chunk.from());
                }
                if (chunk.to() != null) {
                    ps.setLong(i, chunk.to());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.add(new ChunkDigest(chunk, rs.getLong(1), rs.getString(2)));
                    rows += rs.getLong(1);
                }
            } catch (SQLException e) {
                throw new MigrationException(db.label() + ": checksum of " + table.display() + " " + chunk.describe()
                        + " failed: " + e.getMessage());
            }
        }
        return new TableDigest(table.display(), rows, out);
    }

    public Map<String, TableDigest> digestAll(Sql db, List<TableRef> tables, Map<String, List<Chunk>> chunks) {
        db.execute(ChecksumSql.SESSION_SETTINGS);
        Map<String, TableDigest> out = new LinkedHashMap<>();
        for (TableRef table : tables) {
            out.put(table.display(), digest(db, table, chunks.get(table.display())));
        }
        return out;
    }

    /** Digests both sides concurrently (each server does its own work) and lists every differing chunk. */
    public Report compare(Sql source, Sql target, List<TableRef> tables) {
        Map<String, List<Chunk>> chunks = new LinkedHashMap<>();
        for (TableRef table : tables) {
            chunks.put(table.display(), chunks(source, table));
        }
        return compare(source, target, tables, chunks);
    }

    /** Compares the given key ranges of the given tables only (a re-check of ranges that differed). */
    public Report compare(Sql source, Sql target, List<TableRef> tables, Map<String, List<Chunk>> chunks) {
        long start = System.nanoTime();
        long[] targetNanos = new long[1];
        CompletableFuture<Map<String, TableDigest>> onTarget = CompletableFuture.supplyAsync(
                (Supplier<Map<String, TableDigest>>) () -> {
                    Map<String, TableDigest> d = digestAll(target, tables, chunks);
                    targetNanos[0] = System.nanoTime() - start;
                    return d;
                });
        Map<String, TableDigest> onSource = digestAll(source, tables, chunks);
        long sourceNanos = System.nanoTime() - start;
        Map<String, TableDigest> targetDigests;
        try {
            targetDigests = onTarget.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        List<Mismatch> mismatches = new ArrayList<>();
        for (TableRef table : tables) {
            TableDigest s = onSource.get(table.display());
            TableDigest t = targetDigests.get(table.display());
            for (int i = 0; i < s.chunks().size(); i++) {
                ChunkDigest a = s.chunks().get(i);
                ChunkDigest b = t.chunks().get(i);
                if (a.rows() != b.rows() || !a.digest().equals(b.digest())) {
                    mismatches.add(new Mismatch(table.display(), a.chunk(), a.rows(), b.rows(), a.digest()));
                }
            }
        }
        return new Report(onSource, targetDigests, mismatches, sourceNanos / 1_000_000, targetNanos[0] / 1_000_000);
    }
}
