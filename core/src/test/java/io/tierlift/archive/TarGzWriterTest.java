package io.tierlift.archive;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarGzWriterTest {
    private final TarGzWriter writer = new TarGzWriter();

    private static List<ArchiveEntry> sample() {
        return List.of(
                ArchiveEntry.file("backend/notes/app.py", bytes("print('hi')\n"), false),
                ArchiveEntry.file("backend/bin/run.sh", bytes("#!/bin/sh\necho run\n"), true),
                ArchiveEntry.file("backend/requirements.txt", bytes("flask==3.1.3\n"), false),
                ArchiveEntry.file("backend/empty.txt", new byte[0], false),
                ArchiveEntry.directory("backend/data"));
    }

    @Test
    void sameEntriesGiveTheSameBytesWhateverTheirOrder() {
        List<ArchiveEntry> reversed = new ArrayList<>(sample());
        java.util.Collections.reverse(reversed);
        byte[] first = writer.toBytes(sample());
        assertThat(writer.toBytes(sample())).isEqualTo(first);
        assertThat(writer.toBytes(reversed)).isEqualTo(first);
    }

    @Test
    void filesOnDiskGiveTheSameBytesWhateverTheirTimesAndModes(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a.txt"), "alpha\n");
        Path b = Files.writeString(dir.resolve("b.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-rw-rw-"));
        Files.setPosixFilePermissions(b, PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(a, FileTime.fromMillis(1_700_000_000_000L));
        byte[] fromDisk = writer.toBytes(List.of(ArchiveEntry.file("x/a.txt", a, false), ArchiveEntry.file("x/b.sh", b, true)));
        Files.setLastModifiedTime(a, FileTime.fromMillis(1_000_000_000_000L));
        byte[] again = writer.toBytes(List.of(ArchiveEntry.file("x/a.txt", a, false), ArchiveEntry.file("x/b.sh", b, true)));
        byte[] fromMemory = writer.toBytes(List.of(ArchiveEntry.file("x/a.txt", bytes("alpha\n"), false),
                ArchiveEntry.file("x/b.sh", bytes("#!/bin/sh\n"), true)));
        assertThat(again).isEqualTo(fromDisk);
        assertThat(fromMemory).isEqualTo(fromDisk);
    }

    @Test
    void differentContentOrModeGivesDifferentBytes() {
        byte[] base = writer.toBytes(List.of(ArchiveEntry.file("a", bytes("1"), false)));
        assertThat(writer.toBytes(List.of(ArchiveEntry.file("a", bytes("2"), false)))).isNotEqualTo(base);
        assertThat(writer.toBytes(List.of(ArchiveEntry.file("a", bytes("1"), true)))).isNotEqualTo(base);
    }

    @Test
    void gzipHeaderCarriesNoTimeAndNoName() {
        byte[] archive = writer.toBytes(sample());
        assertThat(archive[0] & 0xff).isEqualTo(0x1f);
        assertThat(archive[1] & 0xff).isEqualTo(0x8b);
        assertThat(archive[3]).as("FLG: no FNAME, FEXTRA, FCOMMENT").isEqualTo((byte) 0);
        assertThat(new byte[] {archive[4], archive[5], archive[6], archive[7]}).as("MTIME").containsOnly(0);
    }

    @Test
    void ustarHeadersHoldFixedOwnerTimeAndNormalisedModes() throws IOException {
        byte[] tar = gunzip(writer.toBytes(List.of(ArchiveEntry.file("d/run", bytes("x"), true))));
        assertThat(tar.length % (20 * 512)).as("padded to whole 10 KiB records").isZero();
        // Entries: d/ then d/run.
        assertThat(field(tar, 0, 0, 100)).isEqualTo("d/");
        assertThat(field(tar, 0, 156, 1)).isEqualTo("5");
        assertThat(field(tar, 0, 100, 8)).isEqualTo("0000755");
        assertThat(field(tar, 1, 0, 100)).isEqualTo("d/run");
        assertThat(field(tar, 1, 100, 8)).isEqualTo("0000755");
        assertThat(field(tar, 1, 108, 8)).isEqualTo("0000000");
        assertThat(field(tar, 1, 124, 12)).isEqualTo("00000000001");
        assertThat(field(tar, 1, 136, 12)).isEqualTo("0" + Long.toOctalString(TarGzWriter.FIXED_MTIME));
        assertThat(field(tar, 1, 257, 6)).isEqualTo("ustar");
        assertThat(field(tar, 1, 265, 32)).isEqualTo("root");
        assertThat(field(tar, 1, 297, 32)).isEqualTo("root");
    }

    @Test
    void longNamesUseThePrefixField() {
        String dir = "a".repeat(120);
        String name = dir + "/" + "b".repeat(90);
        byte[][] split = writer.splitName(name);
        assertThat(new String(split[0], StandardCharsets.UTF_8)).isEqualTo(dir);
        assertThat(new String(split[1], StandardCharsets.UTF_8)).isEqualTo("b".repeat(90));
    }

    @Test
    void namesThatCannotBeSplitAreRefused() {
        // Its parent directories fit (99 bytes; 99 + 100 split at the first '/'); the file does not.
        String tooLong = "a".repeat(99) + "/" + "b".repeat(99) + "/" + "c".repeat(60);
        assertThatThrownBy(() -> writer.toBytes(List.of(ArchiveEntry.file(tooLong, bytes("x"), false))))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("too long for a ustar header")
                .hasMessageContaining("260 bytes").hasMessageEndingWith("c".repeat(60));
        String noSlash = "c".repeat(101);
        assertThatThrownBy(() -> writer.toBytes(List.of(ArchiveEntry.file(noSlash, bytes("x"), false))))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("too long");
        String lastPartTooLong = "d/" + "e".repeat(101);
        assertThatThrownBy(() -> writer.toBytes(List.of(ArchiveEntry.file(lastPartTooLong, bytes("x"), false))))
                .isInstanceOf(ArchiveException.class);
    }

    @Test
    void unsafeNamesAreRefused() {
        for (String bad : List.of("../etc/passwd", "/etc/passwd", "a//b", "a/./b", "a/", "", "a\\b")) {
            assertThatThrownBy(() -> ArchiveEntry.file(bad, bytes("x"), false)).as(bad).isInstanceOf(ArchiveException.class);
        }
    }

    @Test
    void aFileAndADirectoryOfTheSameNameIsRefused() {
        assertThatThrownBy(() -> writer.toBytes(List.of(ArchiveEntry.file("a", bytes("x"), false),
                ArchiveEntry.file("a/b", bytes("y"), false)))).hasMessageContaining("which is a file");
        assertThatThrownBy(() -> writer.toBytes(List.of(ArchiveEntry.file("a", bytes("x"), false),
                ArchiveEntry.file("a", bytes("y"), false)))).hasMessageContaining("listed twice");
    }

    @Test
    void aFileThatChangesSizeWhileArchivedIsAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("grows.log"), "1234");
        ArchiveEntry entry = ArchiveEntry.file("grows.log", file, false);
        Files.writeString(file, "123456789");
        assertThatThrownBy(() -> writer.toBytes(List.of(entry))).hasMessageContaining("changed size");
    }

    @Test
    @Tag("real")
    void gnuTarListsTheEntriesWithRootOwnerFixedTimeAndModes(@TempDir Path dir) throws IOException {
        Path archive = Files.write(dir.resolve("r.tar.gz"), writer.toBytes(sample()));
        RealTool.Result listing = RealTool.run(List.of("tar", "--warning=all", "-tvzf", archive.toString()), new byte[0], dir);
        assertThat(listing.exitCode()).as(listing.stderr()).isZero();
        assertThat(listing.stderr()).isEmpty();
        assertThat(listing.stdout().lines().map(l -> l.replaceAll(" +", " ")).toList()).containsExactly(
                "drwxr-xr-x root/root 0 2000-01-01 00:00 backend/",
                "drwxr-xr-x root/root 0 2000-01-01 00:00 backend/bin/",
                "-rwxr-xr-x root/root 19 2000-01-01 00:00 backend/bin/run.sh",
                "drwxr-xr-x root/root 0 2000-01-01 00:00 backend/data/",
                "-rw-r--r-- root/root 0 2000-01-01 00:00 backend/empty.txt",
                "drwxr-xr-x root/root 0 2000-01-01 00:00 backend/notes/",
                "-rw-r--r-- root/root 12 2000-01-01 00:00 backend/notes/app.py",
                "-rw-r--r-- root/root 13 2000-01-01 00:00 backend/requirements.txt");
    }

    @Test
    @Tag("real")
    void gnuTarUnpacksFromStdinWithContentAndModes(@TempDir Path dir) throws IOException {
        String deep = "backend/" + "p".repeat(90) + "/" + "q".repeat(60) + "/module.py";
        List<ArchiveEntry> entries = new ArrayList<>(sample());
        entries.add(ArchiveEntry.file(deep, bytes("deep = True\n"), false));
        entries.add(ArchiveEntry.file("backend/caf\u00e9.txt", bytes("utf-8 name\n"), false));
        Path out = Files.createDirectory(dir.resolve("out"));
        RealTool.Result unpack = RealTool.run(List.of("tar", "--warning=all", "-xpzf", "-", "-C", out.toString()),
                writer.toBytes(entries), dir);
        assertThat(unpack.exitCode()).as(unpack.stderr()).isZero();
        assertThat(unpack.stderr()).isEmpty();
        assertThat(Files.readString(out.resolve("backend/notes/app.py"))).isEqualTo("print('hi')\n");
        assertThat(Files.readString(out.resolve(deep))).isEqualTo("deep = True\n");
        assertThat(Files.readString(out.resolve("backend/caf\u00e9.txt"))).isEqualTo("utf-8 name\n");
        assertThat(Files.size(out.resolve("backend/empty.txt"))).isZero();
        assertThat(Files.isDirectory(out.resolve("backend/data"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("backend/bin/run.sh")))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("backend/notes/app.py")))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("backend/notes")))).isEqualTo("rwxr-xr-x");
        assertThat(Files.getLastModifiedTime(out.resolve("backend/notes/app.py")).toMillis()).isEqualTo(TarGzWriter.FIXED_MTIME * 1000);
    }

    @Test
    @Tag("real")
    void anEmptyArchiveIsValid(@TempDir Path dir) throws IOException {
        Path archive = Files.write(dir.resolve("e.tar.gz"), writer.toBytes(List.of()));
        RealTool.Result listing = RealTool.run(List.of("tar", "-tzf", archive.toString()), new byte[0], dir);
        assertThat(listing.exitCode()).as(listing.stderr()).isZero();
        assertThat(listing.stdout()).isEmpty();
    }

    private static String field(byte[] tar, int entryIndex, int offset, int length) {
        int start = entryIndex * 512 + offset;
        int end = start;
        while (end < start + length && tar[end] != 0) {
            end++;
        }
        return new String(tar, start, end - start, StandardCharsets.US_ASCII);
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
