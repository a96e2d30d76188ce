package io.tierlift.archive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts entries in the one order both writers use: sorted by name, with every parent directory
 * present. The caller's order then cannot change the bytes, and a directory always comes before
 * what it holds (its name is a prefix of theirs).
 */
final class EntryOrder {
    List<ArchiveEntry> arrange(List<ArchiveEntry> entries) {
        Map<String, ArchiveEntry> byName = new TreeMap<>(Comparator.naturalOrder());
        for (ArchiveEntry entry : entries) {
            ArchiveEntry previous = byName.putIfAbsent(entry.name(), entry);
            if (previous != null && !(previous.isDirectory() && entry.isDirectory())) {
                throw new ArchiveException("archive entry listed twice: " + entry.name());
            }
        }
        for (ArchiveEntry entry : new ArrayList<>(byName.values())) {
            String parent = entry.parent();
            while (!parent.isEmpty()) {
                ArchiveEntry existing = byName.get(parent);
                if (existing != null && !existing.isDirectory()) {
                    throw new ArchiveException("archive entry " + entry.name() + " is inside " + parent + ", which is a file");
                }
                byName.putIfAbsent(parent, ArchiveEntry.directory(parent));
                int slash = parent.lastIndexOf('/');
                parent = slash < 0 ? "" : parent.substring(0, slash);
            }
        }
        return List.copyOf(byName.values());
    }
}
