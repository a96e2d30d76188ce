package io.tierlift.archive;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One directory or regular file of an archive. Only what a deployment needs survives: the relative
 * name, the content and whether the file is executable. Owners, times and other permission bits are
 * dropped on purpose so that the same content always gives the same archive.
 */
public final class ArchiveEntry {
    public static final int FILE_MODE = 0644;
    public static final int EXECUTABLE_MODE = 0755;
    public static final int DIRECTORY_MODE = 0755;

    /** Opens the bytes of a file entry; called once, when the archive is written. */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    private final String name;
    private final boolean directory;
    private final boolean executable;
    private final long size;
    private final Content content;

    private ArchiveEntry(String name, boolean directory, boolean executable, long size, Content content) {
        this.name = checkName(name);
        this.directory = directory;
        this.executable = executable;
        this.size = size;
        this.content = content;
    }

    public static ArchiveEntry directory(String name) {
        return new ArchiveEntry(name, true, false, 0, null);
    }

    public static ArchiveEntry file(String name, byte[] bytes, boolean executable) {
        byte[] copy = bytes.clone();
        return new ArchiveEntry(name, false, executable, copy.length, () -> new ByteArrayInputStream(copy));
    }

    /** A file read from disk when the archive is written (its size must not change until then). */
    public static ArchiveEntry file(String name, Path source, boolean executable) {
        try {
            return new ArchiveEntry(name, false, executable, Files.size(source), () -> Files.newInputStream(source));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source, e);
        }
    }

    /** Relative name with '/' separators, without a trailing '/' (also for directories). */
    public String name() {
        return name;
    }

    public boolean isDirectory() {
        return directory;
    }

    public boolean isExecutable() {
        return executable;
    }

    public long size() {
        return size;
    }

    /** The normalised permission bits: 0755 for directories and executables, 0644 otherwise. */
    public int mode() {
        return directory ? DIRECTORY_MODE : executable ? EXECUTABLE_MODE : FILE_MODE;
    }

    InputStream open() throws IOException {
        if (directory) {
            return InputStream.nullInputStream();
        }
        return content.open();
    }

    /** The name of the directory holding this entry, or empty at the archive root. */
    String parent() {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    // Names come from walking a folder, but an archive is unpacked as root on a host: a name that
    // climbs out of the target folder or is absolute must never get into one.
    private static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new ArchiveException("archive entry name is empty");
        }
        if (name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
            throw new ArchiveException("archive entry name contains NUL or '\\': " + name.replace('\0', '?'));
        }
        if (name.startsWith("/") || name.endsWith("/")) {
            throw new ArchiveException("archive entry name must be relative and without a trailing '/': " + name);
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new ArchiveException("archive entry name has an empty, '.' or '..' segment: " + name);
            }
        }
        return name;
    }

    @Override
    public String toString() {
        return (directory ? "dir " : "file ") + name;
    }
}
