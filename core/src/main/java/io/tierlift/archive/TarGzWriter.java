package io.tierlift.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzip-compressed POSIX ustar archive that depends only on the entries' names, contents
 * and executable bits: fixed mtime, owner root/root (uid/gid 0), normalised modes, sorted entries.
 * The same inputs therefore give byte-identical archives, which is what lets a release be named
 * by its content and a redeploy of unchanged code be a no-op. Read by GNU tar ({@code tar -xzf -}).
 */
public final class TarGzWriter {
    /** 2000-01-01T00:00:00Z: a fixed, harmless time (0 makes some tools warn about 1970 dates). */
    public static final long FIXED_MTIME = 946_684_800L;

    private static final int BLOCK = 512;
    // GNU tar writes in 10 KiB records; padding to one keeps strict readers happy.
    private static final int RECORD = 20 * BLOCK;
    private static final int NAME_LENGTH = 100;
    private static final int PREFIX_LENGTH = 155;
    private static final long MAX_SIZE = 077777777777L; // 11 octal digits

    private final EntryOrder order = new EntryOrder();

    public byte[] toBytes(List<ArchiveEntry> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(entries, bytes);
        return bytes.toByteArray();
    }

    /**
     * Writes the archive; entries are sorted and missing parent directories added here.
     * {@link GZIPOutputStream} writes a header without file name and with mtime 0, so the gzip
     * layer adds nothing variable either.
     */
    public void write(List<ArchiveEntry> entries, OutputStream out) {
        try {
            GZIPOutputStream gzip = new GZIPOutputStream(new NonClosing(out), 64 * 1024);
            long written = 0;
            for (ArchiveEntry entry : order.arrange(entries)) {
                written += writeEntry(entry, gzip);
            }
            written += 2 * BLOCK;
            long padded = (written + RECORD - 1) / RECORD * RECORD;
            gzip.write(new byte[(int) (padded - written + 2 * BLOCK)]);
            gzip.finish();
            gzip.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tar.gz archive", e);
        }
    }

    private long writeEntry(ArchiveEntry entry, OutputStream out) throws IOException {
        if (entry.size() > MAX_SIZE) {
            throw new ArchiveException("archive entry " + entry.name() + " is larger than ustar allows (8 GiB)");
        }
        out.write(header(entry));
        if (entry.isDirectory()) {
            return BLOCK;
        }
        long copied;
        try (InputStream in = entry.open()) {
            copied = copy(in, out, entry.size());
        }
        if (copied != entry.size()) {
            throw new ArchiveException("archive entry " + entry.name() + " changed size while being archived ("
                    + entry.size() + " bytes expected, " + copied + " read)");
        }
        int padding = (int) ((BLOCK - copied % BLOCK) % BLOCK);
        out.write(new byte[padding]);
        return BLOCK + copied + padding;
    }

    private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            if (total + n > limit) {
                return total + n; // grew: reported as a size change by the caller
            }
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    byte[] header(ArchiveEntry entry) {
        byte[] header = new byte[BLOCK];
        String name = entry.isDirectory() ? entry.name() + "/" : entry.name();
        byte[][] split = splitName(name);
        put(header, 0, split[1], NAME_LENGTH);
        putOctal(header, 100, 8, entry.mode());
        putOctal(header, 108, 8, 0); // uid
        putOctal(header, 116, 8, 0); // gid
        putOctal(header, 124, 12, entry.isDirectory() ? 0 : entry.size());
        putOctal(header, 136, 12, FIXED_MTIME);
        Arrays.fill(header, 148, 156, (byte) ' '); // checksum is computed with spaces here
        header[156] = (byte) (entry.isDirectory() ? '5' : '0');
        put(header, 257, ascii("ustar\0"), 6);
        put(header, 263, ascii("00"), 2);
        put(header, 265, ascii("root"), 32);
        put(header, 297, ascii("root"), 32);
        putOctal(header, 329, 8, 0); // devmajor
        putOctal(header, 337, 8, 0); // devminor
        put(header, 345, split[0], PREFIX_LENGTH);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        byte[] checksum = ascii(String.format("%06o", sum) + "\0 ");
        System.arraycopy(checksum, 0, header, 148, 8);
        return header;
    }

    /**
     * ustar keeps names up to 100 bytes in {@code name}; longer ones are split at a '/' into
     * {@code prefix} (up to 155 bytes) and {@code name}. Anything that cannot be split that way
     * (over 255 bytes, or no '/' in the right place) is refused rather than written in a GNU or
     * pax extension the hosts' tar might read differently.
     */
    byte[][] splitName(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= NAME_LENGTH) {
            return new byte[][] {new byte[0], bytes};
        }
        // A directory's trailing '/' is not a split point: the name part must not be empty.
        int last = bytes[bytes.length - 1] == '/' ? bytes.length - 2 : bytes.length - 1;
        for (int i = 0; i < last; i++) {
            if (bytes[i] == '/' && i <= PREFIX_LENGTH && bytes.length - i - 1 <= NAME_LENGTH) {
                return new byte[][] {Arrays.copyOfRange(bytes, 0, i), Arrays.copyOfRange(bytes, i + 1, bytes.length)};
            }
        }
        throw new ArchiveException("archive entry name is too long for a ustar header (" + bytes.length
                + " bytes; at most 255, split at a '/' into 155 + 100): " + name);
    }

    private static void put(byte[] header, int offset, byte[] value, int length) {
        if (value.length > length) {
            throw new ArchiveException("tar header field overflow at " + offset);
        }
        System.arraycopy(value, 0, header, offset, value.length);
    }

    // Octal, zero-padded, NUL-terminated: the form every tar reads.
    private static void putOctal(byte[] header, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(length - 1 - digits.length()) + digits;
        put(header, offset, ascii(padded + "\0"), length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The caller owns the stream: finishing gzip must not close it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
