package io.tierlift.migrate;

import java.util.TreeMap;

import java.util.Map;

import io.tierlift.database.PgSql;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads what the mover needs to know about a database from its system catalogs. */
public final class Catalog {
    static final String USER_SCHEMAS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

    public record SequenceRef(String schema, String name) {
        public String qualified() {
            return PgSql.qualified(schema, name);
        }
    }

    public record SequenceState(SequenceRef sequence, long lastValue, boolean isCalled) {
    }

    /** Ordinary and partitioned-leaf tables in user schemas, with their primary keys. */
    public List<TableRef> tables(Sql db) {
        return db.query("""
                SELECT n.nspname, c.relname,
                       (SELECT array_agg(a.attname::text ORDER BY k.ord)
                          FROM pg_index i
                          CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                         WHERE i.indrelid = c.oid AND i.indisprimary) AS pk,
                       (SELECT a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)
                          FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                         WHERE i.indrelid = c.oid AND i.indisprimary) AS int_key
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'r' AND NOT c.relispartition AND %s
                 ORDER BY 1, 2""".formatted(USER_SCHEMAS), rs -> {
            java.sql.Array pk = rs.getArray(3);
            List<String> key = pk == null ? List.of() : Arrays.asList((String[]) pk.getArray());
            return new TableRef(rs.getString(1), rs.getString(2), key, rs.getBoolean(4));
        });
    }

    /** Tables whose UPDATE/DELETE logical replication cannot carry: no primary key and default/none replica identity. */
    public List<String> tablesWithoutReplicaIdentity(Sql db) {
        return db.query("""
                SELECT n.nspname || '.' || c.relname
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'r' AND %s
                   AND (c.relreplident = 'n'
                        OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
                 ORDER BY 1""".formatted(USER_SCHEMAS), rs -> rs.getString(1));
    }

    /**
     * Valid UTF-8, byte by byte: in a SQL_ASCII database every byte is one character to the regex
     * engine, so this pattern (ASCII text itself) tells UTF-8 from bytes of another encoding.
     */
    static final String VALID_UTF8 = "^([\\x01-\\x7F]|[\\xC2-\\xDF][\\x80-\\xBF]|\\xE0[\\xA0-\\xBF][\\x80-\\xBF]"
            + "|[\\xE1-\\xEC\\xEE\\xEF][\\x80-\\xBF]{2}|\\xED[\\x80-\\x9F][\\x80-\\xBF]|\\xF0[\\x90-\\xBF][\\x80-\\xBF]{2}"
            + "|[\\xF1-\\xF3][\\x80-\\xBF]{3}|\\xF4[\\x80-\\x8F][\\x80-\\xBF]{2})*$";

    /** The database's encoding, e.g. UTF8 or SQL_ASCII. */
    public String encoding(Sql db) {
        return db.text("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()");
    }

    /**
     * In a SQL_ASCII database (which stores bytes of any encoding), the user tables with text, varchar,
     * char or json values that are not valid UTF-8, as "schema.table (column, ...; N rows)". A UTF8 target
     * would refuse or mangle them.
     */
    public List<String> tablesWithInvalidUtf8(Sql db) {
        Map<String, List<String[]>> columns = new TreeMap<>();
        db.query("""
                SELECT n.nspname, c.relname, a.attname
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND %s
                   AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype, 'json'::regtype)
                 ORDER BY 1, 2, a.attnum""".formatted(USER_SCHEMAS), rs -> {
            columns.computeIfAbsent(PgSql.qualified(rs.getString(1), rs.getString(2)), t -> new ArrayList<>())
                    .add(new String[] {rs.getString(1) + "." + rs.getString(2), rs.getString(3)});
            return null;
        });
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, List<String[]>> table : columns.entrySet()) {
            List<String> bad = new ArrayList<>();
            for (String[] column : table.getValue()) {
                boolean invalid = db.one("SELECT EXISTS (SELECT 1 FROM " + table.getKey() + " WHERE NOT ("
                        + PgSql.identifier(column[1]) + "::text ~ ?))", rs -> rs.getBoolean(1), VALID_UTF8);
                if (invalid) {
                    bad.add(column[1]);
                }
            }
            if (!bad.isEmpty()) {
                String anyInvalid = bad.stream().map(c -> "NOT (" + PgSql.identifier(c) + "::text ~ ?)")
                        .collect(java.util.stream.Collectors.joining(" OR "));
                long rows = db.number("SELECT count(*) FROM " + table.getKey() + " WHERE " + anyInvalid,
                        bad.stream().map(c -> (Object) VALID_UTF8).toArray());
                found.add(table.getValue().get(0)[0] + " (" + String.join(", ", bad) + "; " + rows + (rows == 1 ? " row" : " rows") + ")");
            }
        }
        return found;
    }

    /** Indexes the subscription needs before it can apply UPDATE and DELETE (and unique ones, kept as guards): "schema name". */
    public java.util.Set<String> indexesNeededForApply(Sql db) {
        return new java.util.HashSet<>(db.query("""
                SELECT n.nspname || ' ' || c.relname
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE (i.indisprimary OR i.indisunique OR i.indisreplident) AND %s""".formatted(USER_SCHEMAS), rs -> rs.getString(1)));
    }

    /** How many indexes and foreign keys the user schemas hold: equal on both sides once the late schema part is built. */
    public long indexesAndForeignKeys(Sql db) {
        return db.number("""
                SELECT (SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE %1$s)
                     + (SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
                         WHERE co.contype = 'f' AND %1$s)""".formatted(USER_SCHEMAS));
    }

    public List<SequenceRef> sequences(Sql db) {
        return db.query("SELECT schemaname, sequencename FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
                rs -> new SequenceRef(rs.getString(1), rs.getString(2)));
    }

    public SequenceState sequenceState(Sql db, SequenceRef seq) {
        return db.one("SELECT last_value, is_called FROM " + seq.qualified(),
                rs -> new SequenceState(seq, rs.getLong(1), rs.getBoolean(2)));
    }

    public List<String> installedExtensions(Sql db) {
        return db.query("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1", rs -> rs.getString(1));
    }

    public List<String> availableExtensions(Sql db) {
        return db.query("SELECT name FROM pg_available_extensions ORDER BY 1", rs -> rs.getString(1));
    }

    /** Per-table change counters (inserts + updates + deletes since the statistics were reset). */
    public List<TableCounter> changeCounters(Sql db) {
        List<TableCounter> out = new ArrayList<>();
        out.addAll(db.query("SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables ORDER BY 1",
                rs -> new TableCounter(rs.getString(1), rs.getLong(2))));
        return out;
    }

    public record TableCounter(String table, long changes) {
    }
}
