package io.tierlift.onprem.release;

import io.tierlift.release.SourceTree;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Remembers the content hash of a release folder (backend, static site) so an unchanged folder is
 * recognised from its file listing alone, without reading and hashing every file on every run.
 *
 * <p>The key of an entry is a stamp of the folder: for every file that would be released its path,
 * size, modification and change times (nanoseconds), inode and executable bit. Any write to a file
 * moves its change time, which no tool can set back, so a changed file always changes the stamp.
 * Entries are only written for folders whose newest file is older than {@link #SETTLE}: a file
 * written within the file system's time resolution of the stamp could change again without
 * changing the stamp (the "racily clean" case Git guards against the same way). Anything unusual
 * in the folder (links to folders, special files, unreadable entries) means no stamp: the caller
 * then reads the folder and reports the problem as it always did.
 */
public final class ReleaseIdCache {
    /** How old the newest file must be before its folder's hash is remembered. */
    static final Duration SETTLE = Duration.ofSeconds(2);
    private static final String FORMAT = "tierlift-release-id-v1";

    private final Path dir;
    private final Clock clock;
    private final ContentHash hash = new ContentHash();

    public ReleaseIdCache(Path dir) {
        this(dir, Clock.systemUTC());
    }

    ReleaseIdCache(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** Where the cache lives; other records of the operator's machine sit beside it. */
    Path dir() {
        return dir;
    }

    /** A folder's stamp, or empty when it can't be stamped (the caller reads the folder instead). */
    public record Stamp(String kind, Path root, String digest, Set<String> paths, Instant newest) {
    }

    public Optional<Stamp> stamp(String kind, Path root, SourceTree.Exclusions exclusions) {
        List<String> lines = new ArrayList<>();
        Instant[] newest = {Instant.EPOCH};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attrs) {
                    if (folder.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    return exclusions.skipDirectory(SourceTree.relative(root, folder), folder.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String relative = SourceTree.relative(root, file);
                    String name = file.getFileName().toString();
                    if (attrs.isSymbolicLink() && Files.isDirectory(file) && exclusions.skipDirectory(relative, name)) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (exclusions.skipFile(relative, name)) {
                        return FileVisitResult.CONTINUE;
                    }
                    // Links are stamped by what they point to, as releases hold the target's bytes.
                    Map<String, Object> unix = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,ino,mode,isRegularFile");
                    if (!Boolean.TRUE.equals(unix.get("isRegularFile"))) {
                        throw new Unstampable();
                    }
                    FileTime modified = (FileTime) unix.get("lastModifiedTime");
                    FileTime changed = (FileTime) unix.get("ctime");
                    Instant latest = later(modified.toInstant(), changed.toInstant());
                    String link = "";
                    if (attrs.isSymbolicLink()) {
                        // A link re-pointed at another file of the same size and times: the link's own times tell.
                        BasicFileAttributes own = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        latest = later(latest, own.lastModifiedTime().toInstant());
                        link = Files.readSymbolicLink(file) + "@" + nanos(own.lastModifiedTime());
                    }
                    newest[0] = later(newest[0], latest);
                    boolean executable = (((Integer) unix.get("mode")) & 0100) != 0;
                    lines.add(relative + "\0" + unix.get("size") + "\0" + nanos(modified) + "\0" + nanos(changed) + "\0"
                            + unix.get("ino") + "\0" + (executable ? 'x' : 'f') + "\0" + link);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    throw new Unstampable();
                }
            });
        } catch (Unstampable | IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
        lines.sort(String::compareTo);
        Set<String> paths = new java.util.TreeSet<>();
        lines.forEach(line -> paths.add(line.substring(0, line.indexOf('\0'))));
        String digest = hash.of(FORMAT + "\n" + kind + "\n" + root.toAbsolutePath().normalize() + "\n" + String.join("\n", lines));
        return Optional.of(new Stamp(kind, root, digest, paths, newest[0]));
    }

    /** The content hash remembered for exactly this stamp. */
    public Optional<String> lookup(Stamp stamp) {
        try {
            List<String> lines = Files.readAllLines(entry(stamp), StandardCharsets.UTF_8);
            if (lines.size() == 3 && lines.get(0).equals(FORMAT) && lines.get(1).equals(stamp.digest())
                    && lines.get(2).matches("[0-9a-f]{64}")) {
                return Optional.of(lines.get(2));
            }
        } catch (IOException e) {
            // no entry, or unreadable: read the folder
        }
        return Optional.empty();
    }

    /** Remembers the hash, unless a file is too fresh to trust its stamp; never fails the build. */
    public void remember(Stamp stamp, String contentHash) {
        if (stamp.newest().isAfter(clock.instant().minus(SETTLE))) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".release-id-", ".tmp");
            try {
                Files.writeString(temp, FORMAT + "\n" + stamp.digest() + "\n" + contentHash + "\n", StandardCharsets.UTF_8);
                Files.move(temp, entry(stamp), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // The cache only saves time; a run that can't write it still deploys correctly.
        }
    }

    /** One entry per folder and kind: a newer stamp replaces the older one. */
    private Path entry(Stamp stamp) {
        return dir.resolve("release-id-" + stamp.kind() + "-"
                + hash.of(stamp.root().toAbsolutePath().normalize().toString()).substring(0, 16));
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String nanos(FileTime time) {
        Instant instant = time.toInstant();
        return instant.getEpochSecond() + "." + instant.getNano();
    }

    private static final class Unstampable extends RuntimeException {
        Unstampable() {
            super(null, null, false, false);
        }
    }
}
