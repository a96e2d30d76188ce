package io.tierlift.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a schema dump's table of contents ({@code pg_restore -l}) into what the target needs before
 * the initial copy and what is cheaper to build once the rows are in. Secondary indexes and foreign
 * keys go late: building an index over loaded rows is much faster than maintaining it row by row,
 * and a foreign key is checked once instead of per row. Primary keys, unique indexes and the
 * replica identity index stay early: the subscription needs them to apply UPDATE and DELETE.
 */
final class SchemaSections {
    /** Entries of the two lists, in dump order; either one can be given to {@code pg_restore -L}. */
    record Split(List<String> early, List<String> late) {
    }

    /** {@code dumpId; tableoid oid DESC schema tag owner}. */
    private static final Pattern ENTRY = Pattern.compile("^\\d+; \\d+ \\d+ (.*)$");

    /**
     * @param keepEarly indexes ("schema name") that must exist before the copy: unique, primary key or replica identity
     */
    Split split(List<String> toc, Set<String> keepEarly) {
        List<String> early = new ArrayList<>();
        List<String> late = new ArrayList<>();
        for (String line : toc) {
            Matcher m = ENTRY.matcher(line);
            if (!m.matches()) {
                // Comments and blank lines: pg_restore ignores them.
                continue;
            }
            (late(m.group(1), keepEarly) ? late : early).add(line);
        }
        return new Split(early, late);
    }

    private static boolean late(String entry, Set<String> keepEarly) {
        if (entry.startsWith("FK CONSTRAINT ") || entry.startsWith("INDEX ATTACH ")) {
            return true;
        }
        if (entry.startsWith("INDEX ")) {
            String rest = entry.substring("INDEX ".length());
            return keepEarly.stream().noneMatch(index -> rest.startsWith(index + " "));
        }
        // A comment on an index can only be restored once the index exists.
        return entry.startsWith("COMMENT ") && entry.contains(" INDEX ");
    }
}
