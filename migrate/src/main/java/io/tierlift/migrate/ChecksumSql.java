package io.tierlift.migrate;

import io.tierlift.database.PgSql;
/**
 * The SQL that counts and fingerprints a table (or one key range of it) inside the database, so
 * rows never travel to tierlift. Each row is hashed (md5 of its text form, first 64 bits) and the
 * hashes are summed: the sum does not depend on row order, so no sort is needed and a table
 * without a primary key digests the same on both sides. This is about four times faster than an
 * ordered {@code string_agg} of md5s, which matters because the final verify runs while writes
 * are stopped. Both sides run the same text with the same session settings.
 */
public final class ChecksumSql {
    /** The alias of the row; row text comes from {@code ROW(alias.*)} so a column named like the alias cannot shadow it. */
    private static final String ROW_ALIAS = "tierlift_row";

    /** Settings that fix how values print (dates, floats, bytea), applied on both sides before hashing. */
    public static final String SESSION_SETTINGS = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
            + "SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'";

    /**
     * Count and digest of a table, optionally limited to {@code leading key >= ?} and/or {@code < ?}.
     * The bounds are bind parameters (lower first) on the leading primary key column.
     */
    public String chunk(TableRef table, boolean lowerBound, boolean upperBound) {
        if ((lowerBound || upperBound) && !table.integerLeadingKey()) {
            throw new IllegalArgumentException(table.display() + " has no integer leading key to range over");
        }
        String rowText = "ROW(" + ROW_ALIAS + ".*)::text";
        StringBuilder sql = new StringBuilder()
                .append("SELECT count(*), coalesce(sum(('x' || left(md5(").append(rowText)
                .append("), 16))::bit(64)::bigint::numeric), 0)::text FROM ").append(table.qualified()).append(" AS ").append(ROW_ALIAS);
        if (lowerBound || upperBound) {
            String key = ROW_ALIAS + "." + PgSql.identifier(table.primaryKey().get(0));
            sql.append(" WHERE ");
            if (lowerBound) {
                sql.append(key).append(" >= ?");
            }
            if (lowerBound && upperBound) {
                sql.append(" AND ");
            }
            if (upperBound) {
                sql.append(key).append(" < ?");
            }
        }
        return sql.toString();
    }

    /** Lowest and highest leading key value, to cut the table into ranges. */
    public String keyBounds(TableRef table) {
        String key = PgSql.identifier(table.primaryKey().get(0));
        return "SELECT min(" + key + ")::bigint, max(" + key + ")::bigint FROM " + table.qualified();
    }
}
