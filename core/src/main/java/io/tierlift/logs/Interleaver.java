package io.tierlift.logs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Puts lines that arrive from several logs at once into the order they were written. Each line is
 * held for {@code holdNanos} after it arrived, so a line a slower host or source delivers a little
 * later still takes its place by time; a line that comes later than that is given out on arrival,
 * after lines that are newer than it. Safe for one thread per source adding while another takes.
 */
public final class Interleaver {
    private static final Comparator<Held> BY_TIME = Comparator.comparing((Held h) -> h.line().time())
            .thenComparingLong(Held::sequence);

    private final long holdNanos;
    private final PriorityQueue<Held> held = new PriorityQueue<>(BY_TIME);
    private long sequence;

    public Interleaver(long holdNanos) {
        this.holdNanos = holdNanos;
    }

    public synchronized void add(LogLine line, long arrivedNanos) {
        held.add(new Held(line, arrivedNanos, sequence++));
    }

    /**
     * The lines that have been held long enough at {@code nowNanos}, oldest first, with every line
     * written before the newest of them (it may not have waited its full time, but it must not come later).
     */
    public synchronized List<LogLine> ready(long nowNanos) {
        Held latestDue = null;
        for (Held h : held) {
            if (nowNanos - h.arrivedNanos() >= holdNanos && (latestDue == null || BY_TIME.compare(h, latestDue) > 0)) {
                latestDue = h;
            }
        }
        List<LogLine> out = new ArrayList<>();
        while (latestDue != null && !held.isEmpty() && BY_TIME.compare(held.peek(), latestDue) <= 0) {
            out.add(held.poll().line());
        }
        return out;
    }

    /** Every line still held, oldest first: when no more will come. */
    public synchronized List<LogLine> rest() {
        List<LogLine> out = new ArrayList<>();
        while (!held.isEmpty()) {
            out.add(held.poll().line());
        }
        return out;
    }

    /** All of {@code lines} in the order they were written; lines of the same time keep their order. */
    public static List<LogLine> sorted(List<LogLine> lines) {
        return lines.stream().sorted(Comparator.comparing(LogLine::time)).toList();
    }

    private record Held(LogLine line, long arrivedNanos, long sequence) {
    }
}
