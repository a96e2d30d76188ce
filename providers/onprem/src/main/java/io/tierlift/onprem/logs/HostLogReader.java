package io.tierlift.onprem.logs;

import io.tierlift.logs.LogLine;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the output of one host's {@link LogCommand}: the offset line, then tagged lines, each
 * handed to the reader of its log. One per host, used by one thread.
 */
final class HostLogReader {
    private final LogTails.HostTails host;
    private final Consumer<LogLine> out;
    private final List<SourceReader> readers = new ArrayList<>();
    private ZoneOffset offset = ZoneOffset.UTC;

    HostLogReader(LogTails.HostTails host, Consumer<LogLine> out) {
        this.host = host;
        this.out = out;
        // made when a log's first line arrives, after the offset line
        host.tails().forEach(t -> readers.add(null));
    }

    void accept(String raw) {
        if (raw.startsWith("OFFSET ")) {
            offset = parseOffset(raw.substring("OFFSET ".length()).strip());
            return;
        }
        int tab = raw.indexOf('\t');
        if (tab < 2 || raw.charAt(0) != 't') {
            return;
        }
        int index;
        try {
            index = Integer.parseInt(raw.substring(1, tab));
        } catch (NumberFormatException e) {
            return;
        }
        if (index >= readers.size()) {
            return;
        }
        reader(index).accept(raw.substring(tab + 1)).ifPresent(out);
    }

    private SourceReader reader(int index) {
        SourceReader reader = readers.get(index);
        if (reader == null) {
            LogTails.Tail tail = host.tails().get(index);
            reader = new SourceReader(host.host().name(), tail.source(), tail.role(), offset);
            readers.set(index, reader);
        }
        return reader;
    }

    static ZoneOffset parseOffset(String text) {
        return Optional.of(text).filter(t -> t.matches("[+-][0-9]{4}")).map(ZoneOffset::of).orElse(ZoneOffset.UTC);
    }
}
