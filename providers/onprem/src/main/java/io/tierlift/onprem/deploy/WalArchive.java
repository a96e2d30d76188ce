package io.tierlift.onprem.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAL segments in a pgBackRest repository, as {@code repo-ls --recurse} lists the stanza's
 * archive, and whether they form an unbroken chain from a backup's first segment to the newest
 * one: every segment a restore replays has to be there.
 *
 * <p>After a failover the chain changes timeline: the promoted standby archives a history file and
 * continues on timeline N+1 from the segment holding the switch point (the old timeline's copy of
 * that segment is only a {@code .partial}). So the chain needs timeline N up to the segment before
 * the first one of timeline N+1, then N+1 onwards. Segments are PostgreSQL's default 16 MiB
 * (tierlift never changes {@code wal_segment_size}): 256 to a log file.
 */
public final class WalArchive {
    private static final long SEGMENTS_PER_LOG = 0x100;
    /** {@code 15-1/0000000100000000/000000010000000000000003-<sha1>.gz}; partial segments carry {@code .partial}. */
    private static final Pattern SEGMENT = Pattern.compile(
            "(?:^|/)(\\d+-(\\d+))/[0-9A-F]{16}/([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})(\\.partial)?-[0-9a-f]{40}");

    /** Whole segments per timeline, of the newest archive id (the one the current database writes). */
    private final TreeMap<Long, NavigableSet<Long>> timelines;

    private WalArchive(TreeMap<Long, NavigableSet<Long>> timelines) {
        this.timelines = timelines;
    }

    /** The chain from a backup's first segment to the newest segment; {@code missing} is empty when it is unbroken. */
    public record Continuity(String from, String to, List<Long> timelines, List<String> missing) {
        public boolean unbroken() {
            return missing.isEmpty();
        }
    }

    public static WalArchive parse(String repoLsOutput) {
        Map<Long, TreeMap<Long, NavigableSet<Long>>> byArchiveId = new TreeMap<>();
        for (String line : repoLsOutput.lines().toList()) {
            Matcher m = SEGMENT.matcher(line.strip());
            if (!m.find() || m.group(6) != null) {
                continue;
            }
            long timeline = Long.parseLong(m.group(3), 16);
            long segment = Long.parseLong(m.group(4), 16) * SEGMENTS_PER_LOG + Long.parseLong(m.group(5), 16);
            byArchiveId.computeIfAbsent(Long.parseLong(m.group(2)), id -> new TreeMap<>())
                    .computeIfAbsent(timeline, t -> new TreeSet<>()).add(segment);
        }
        TreeMap<Long, TreeMap<Long, NavigableSet<Long>>> sorted = new TreeMap<>(byArchiveId);
        return new WalArchive(sorted.isEmpty() ? new TreeMap<>() : sorted.lastEntry().getValue());
    }

    /** Walks from {@code firstSegment} (a 24-digit segment name) through every later timeline to the newest segment. */
    public Optional<Continuity> from(String firstSegment) {
        if (timelines.isEmpty() || !firstSegment.matches("[0-9A-F]{24}")) {
            return Optional.empty();
        }
        long timeline = Long.parseLong(firstSegment.substring(0, 8), 16);
        long position = Long.parseLong(firstSegment.substring(8, 16), 16) * SEGMENTS_PER_LOG
                + Long.parseLong(firstSegment.substring(16), 16);
        List<Long> path = new ArrayList<>(List.of(timeline));
        List<String> missing = new ArrayList<>();
        for (var later : timelines.tailMap(timeline, false).entrySet()) {
            long switchSegment = later.getValue().first();
            missing.addAll(missingRanges(timeline, position, switchSegment - 1));
            timeline = later.getKey();
            position = switchSegment;
            path.add(timeline);
        }
        NavigableSet<Long> last = timelines.getOrDefault(timeline, new TreeSet<>());
        long end = last.isEmpty() ? position : Math.max(position, last.last());
        missing.addAll(missingRanges(timeline, position, end));
        return Optional.of(new Continuity(firstSegment, name(timeline, end), List.copyOf(path), List.copyOf(missing)));
    }

    /** "A..B" for each run of segments of the timeline in [from, to] that the archive lacks. */
    private List<String> missingRanges(long timeline, long from, long to) {
        NavigableSet<Long> present = timelines.getOrDefault(timeline, new TreeSet<>());
        List<String> ranges = new ArrayList<>();
        long runStart = -1;
        for (long s = from; s <= to; s++) {
            boolean absent = !present.contains(s);
            if (absent && runStart < 0) {
                runStart = s;
            }
            if (!absent && runStart >= 0) {
                ranges.add(range(timeline, runStart, s - 1));
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            ranges.add(range(timeline, runStart, to));
        }
        return ranges;
    }

    private static String range(long timeline, long from, long to) {
        return from == to ? name(timeline, from) : name(timeline, from) + ".." + name(timeline, to);
    }

    static String name(long timeline, long segment) {
        return String.format("%08X%08X%08X", timeline, segment / SEGMENTS_PER_LOG, segment % SEGMENTS_PER_LOG);
    }
}
