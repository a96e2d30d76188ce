package io.tierlift.migrate;

import io.tierlift.database.PgSql;
import java.util.List;

/**
 * A user table as the mover sees it: its primary key columns (empty when it has none) and whether
 * the first of them is an integer, which lets checksums walk the table in key ranges.
 */
public record TableRef(String schema, String name, List<String> primaryKey, boolean integerLeadingKey) {
    public TableRef {
        primaryKey = List.copyOf(primaryKey);
    }

    public String qualified() {
        return PgSql.qualified(schema, name);
    }

    public String display() {
        return schema + "." + name;
    }
}
