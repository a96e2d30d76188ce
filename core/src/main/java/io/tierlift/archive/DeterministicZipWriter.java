package io.tierlift.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a ZIP archive (for Lambda deployment packages) that depends only on names, contents and
 * executable bits: sorted entries, one fixed DOS timestamp, no extra fields, DEFLATE, and Unix
 * permissions in the external attributes (0644, or 0755 for executables and directories).
 *
 * <p>{@link java.util.zip.ZipOutputStream} cannot set external attributes, and Lambda needs files
 * readable by its runtime user and executables marked, so the format is written here. Entries are
 * compressed in memory before their header is written, so sizes and CRC sit in the local header and
 * no data descriptor is needed. ZIP64 is not written: over 65535 entries or 4 GiB is refused.
 */
public final class DeterministicZipWriter {
    // 2000-01-01 00:00:00 as a DOS date and time (the format has no time zone).
    static final int DOS_TIME = 0;
    static final int DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;

    private static final int VERSION_NEEDED = 20; // 2.0: deflate and directories
    private static final int VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED; // 3 = Unix: external attributes hold the mode
    private static final int FLAG_UTF8 = 1 << 11;
    private static final int STORED = 0;
    private static final int DEFLATED = 8;
    private static final int UNIX_FILE = 0100000;
    private static final int UNIX_DIRECTORY = 0040000;
    private static final int DOS_DIRECTORY = 0x10;
    private static final long MAX_32 = 0xffff_ffffL;

    private final EntryOrder order = new EntryOrder();
    private final int level;

    public DeterministicZipWriter() {
        this(Deflater.DEFAULT_COMPRESSION);
    }

    public DeterministicZipWriter(int level) {
        this.level = level;
    }

    public byte[] toBytes(List<ArchiveEntry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(entries, bytes);
        return bytes.toByteArray();
    }

    public void write(List<ArchiveEntry> entries, OutputStream out) {
        List<ArchiveEntry> arranged = order.arrange(entries);
        if (arranged.size() > 0xffff) {
            throw new ArchiveException("zip archive would hold " + arranged.size() + " entries; at most 65535 without ZIP64");
        }
        try {
            Counting counting = new Counting(out);
            ByteArrayOutputStream central = new ByteArrayOutputStream();
            for (ArchiveEntry entry : arranged) {
                long offset = counting.count;
                Compressed data = compress(entry);
                byte[] name = nameBytes(entry);
                int flags = isAscii(name) ? 0 : FLAG_UTF8;
                int method = entry.isDirectory() ? STORED : DEFLATED;
                checkLimit(entry, offset);
                checkLimit(entry, data.bytes.length);

                LittleEndian local = new LittleEndian();
                local.u32(0x04034b50).u16(VERSION_NEEDED).u16(flags).u16(method).u16(DOS_TIME).u16(DOS_DATE)
                        .u32(data.crc).u32(data.bytes.length).u32(data.size).u16(name.length).u16(0).bytes(name);
                counting.write(local.toBytes());
                counting.write(data.bytes);

                int unixMode = (entry.isDirectory() ? UNIX_DIRECTORY : UNIX_FILE) | entry.mode();
                long external = ((long) unixMode << 16) | (entry.isDirectory() ? DOS_DIRECTORY : 0);
                LittleEndian header = new LittleEndian();
                header.u32(0x02014b50).u16(VERSION_MADE_BY).u16(VERSION_NEEDED).u16(flags).u16(method)
                        .u16(DOS_TIME).u16(DOS_DATE).u32(data.crc).u32(data.bytes.length).u32(data.size)
                        .u16(name.length).u16(0).u16(0) // extra, comment
                        .u16(0).u16(0).u32(external).u32(offset) // disk, internal attributes
                        .bytes(name);
                central.write(header.toBytes());
            }
            long centralOffset = counting.count;
            byte[] directory = central.toByteArray();
            if (centralOffset > MAX_32 || directory.length > MAX_32) {
                throw new ArchiveException("zip archive is larger than 4 GiB; ZIP64 is not written");
            }
            counting.write(directory);
            LittleEndian end = new LittleEndian();
            end.u32(0x06054b50).u16(0).u16(0).u16(arranged.size()).u16(arranged.size())
                    .u32(directory.length).u32(centralOffset).u16(0);
            counting.write(end.toBytes());
            counting.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the zip archive", e);
        }
    }

    private static void checkLimit(ArchiveEntry entry, long value) {
        if (entry.size() > MAX_32 || value > MAX_32) {
            throw new ArchiveException("zip entry " + entry.name() + " is beyond 4 GiB; ZIP64 is not written");
        }
    }

    private Compressed compress(ArchiveEntry entry) throws IOException {
        if (entry.isDirectory()) {
            return new Compressed(new byte[0], 0, 0);
        }
        CRC32 crc = new CRC32();
        Deflater deflater = new Deflater(level, true); // raw deflate, as ZIP stores it
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] input = new byte[64 * 1024];
        byte[] output = new byte[64 * 1024];
        long size = 0;
        try (InputStream in = entry.open()) {
            int n;
            while ((n = in.read(input)) > 0) {
                crc.update(input, 0, n);
                size += n;
                deflater.setInput(input, 0, n);
                while (!deflater.needsInput()) {
                    compressed.write(output, 0, deflater.deflate(output));
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                compressed.write(output, 0, deflater.deflate(output));
            }
        } finally {
            deflater.end();
        }
        if (size != entry.size()) {
            throw new ArchiveException("archive entry " + entry.name() + " changed size while being archived ("
                    + entry.size() + " bytes expected, " + size + " read)");
        }
        return new Compressed(compressed.toByteArray(), crc.getValue(), size);
    }

    private static byte[] nameBytes(ArchiveEntry entry) {
        byte[] name = (entry.isDirectory() ? entry.name() + "/" : entry.name()).getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xffff) {
            throw new ArchiveException("zip entry name longer than 65535 bytes: " + entry.name());
        }
        return name;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private record Compressed(byte[] bytes, long crc, long size) {
    }

    /** Little-endian fields, as every ZIP structure is written. */
    private static final class LittleEndian {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        LittleEndian u16(int value) {
            out.write(value & 0xff);
            out.write((value >>> 8) & 0xff);
            return this;
        }

        LittleEndian u32(long value) {
            u16((int) (value & 0xffff));
            return u16((int) ((value >>> 16) & 0xffff));
        }

        LittleEndian bytes(byte[] value) {
            out.writeBytes(value);
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }
    }
}
