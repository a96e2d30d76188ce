package io.tierlift.migrate;

import java.util.stream.Collectors;

/**
 * The SQL that counts and fingerprints a table (or one key range of it) inside the database, so
 * rows never travel to tierlift. Each row is hashed from its text form and the hashes are folded
 * in key order; both sides run the same text with the same session settings, so equal contents
 * give equal digests.
 */
public final class ChecksumSql {
    /** The alias of the row; row text comes from {@code ROW(alias.*)} so a column named like the alias cannot shadow it. */
    private static final String ROW_ALIAS = "tierlift_row";

    /** Settings that fix how values print (dates, floats, bytea), applied on both sides before hashing. */
    public static final String SESSION_SETTINGS = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
            + "SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'";

    /**
     * Count and digest of a table, optionally limited to {@code leading key >= ?} and/or {@code < ?}.
     * The bounds are bind parameters (lower first). Tables without a primary key are ordered by the
     * row text itself, which is the same on both sides whatever the physical order.
     */
    public String chunk(TableRef table, boolean lowerBound, boolean upperBound) {
        if ((lowerBound || upperBound) && !table.integerLeadingKey()) {
            throw new IllegalArgumentException(table.display() + " has no integer leading key to range over");
        }
        String rowText = "ROW(" + ROW_ALIAS + ".*)::text";
        String order = table.primaryKey().isEmpty()
                ? rowText
                : table.primaryKey().stream().map(c -> ROW_ALIAS + "." + SqlText.ident(c)).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder()
                .append("SELECT count(*), coalesce(md5(string_agg(md5(").append(rowText).append("), '' ORDER BY ")
                .append(order).append(")), '') FROM ").append(table.qualified()).append(" AS ").append(ROW_ALIAS);
        if (lowerBound || upperBound) {
            String key = ROW_ALIAS + "." + SqlText.ident(table.primaryKey().get(0));
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
        String key = SqlText.ident(table.primaryKey().get(0));
        return "SELECT min(" + key + ")::bigint, max(" + key + ")::bigint FROM " + table.qualified();
    }
}
