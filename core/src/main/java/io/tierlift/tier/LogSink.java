package io.tierlift.tier;

import io.tierlift.logs.LogLine;

/** Where a tier hands its log lines, one at a time, in the order they are to be shown. */
@FunctionalInterface
public interface LogSink {
    void accept(LogLine line);
}
