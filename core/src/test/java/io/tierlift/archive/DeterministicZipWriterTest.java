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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeterministicZipWriterTest {
    private final DeterministicZipWriter writer = new DeterministicZipWriter();

    private static List<ArchiveEntry> sample() {
        return List.of(
                ArchiveEntry.file("notes/app.py", bytes("from flask import Flask\napp = Flask(__name__)\n".repeat(20)), false),
                ArchiveEntry.file("bootstrap", bytes("#!/bin/sh\nexec python3 -m awslambdaric \"$@\"\n"), true),
                ArchiveEntry.file("notes/__init__.py", new byte[0], false),
                ArchiveEntry.file("r\u00e9sum\u00e9.txt", bytes("utf-8\n"), false));
    }

    @Test
    void sameEntriesGiveTheSameBytesWhateverTheirOrder() {
        List<ArchiveEntry> reversed = new ArrayList<>(sample());
        Collections.reverse(reversed);
        byte[] first = writer.toBytes(sample());
        assertThat(writer.toBytes(sample())).isEqualTo(first);
        assertThat(writer.toBytes(reversed)).isEqualTo(first);
    }

    @Test
    void fileTimesOnDiskDoNotMatter(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a.py"), "x = 1\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L));
        byte[] before = writer.toBytes(List.of(ArchiveEntry.file("a.py", file, false)));
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_100_000_000_000L));
        assertThat(writer.toBytes(List.of(ArchiveEntry.file("a.py", file, false)))).isEqualTo(before);
    }

    @Test
    void javaReadsBackNamesContentAndTheFixedTime() throws IOException {
        Map<String, String> read = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(writer.toBytes(sample())), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                assertThat(entry.getTimeLocal()).isEqualTo(java.time.LocalDateTime.of(2000, 1, 1, 0, 0));
                assertThat(entry.getExtra()).isNull();
                read.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(read.keySet()).containsExactly("bootstrap", "notes/", "notes/__init__.py", "notes/app.py", "r\u00e9sum\u00e9.txt");
        assertThat(read.get("notes/__init__.py")).isEmpty();
        assertThat(read.get("r\u00e9sum\u00e9.txt")).isEqualTo("utf-8\n");
    }

    @Test
    void compressesFiles() {
        byte[] big = bytes("the same line again and again\n".repeat(1000));
        assertThat(writer.toBytes(List.of(ArchiveEntry.file("big.txt", big, false))).length).isLessThan(big.length / 10);
    }

    @Test
    void unsafeNamesAreRefused() {
        assertThatThrownBy(() -> ArchiveEntry.file("../x", bytes("x"), false)).isInstanceOf(ArchiveException.class);
    }

    @Test
    @Tag("real")
    void zipinfoShowsUnixModesAndTheFixedTime(@TempDir Path dir) throws IOException {
        Path zip = Files.write(dir.resolve("fn.zip"), writer.toBytes(sample()));
        RealTool.Result info = RealTool.run(List.of("unzip", "-Z", zip.toString()), new byte[0], dir);
        assertThat(info.exitCode()).as(info.stderr()).isZero();
        List<String> lines = info.stdout().lines().filter(l -> l.contains(" unx ")).map(l -> l.replaceAll(" +", " ")).toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("-rwxr-xr-x 2.0 unx").contains("defN 00-Jan-01 00:00 bootstrap");
        assertThat(lines.get(1)).startsWith("drwxr-xr-x 2.0 unx 0").endsWith("stor 00-Jan-01 00:00 notes/");
        assertThat(lines.get(2)).startsWith("-rw-r--r-- 2.0 unx 0").endsWith("notes/__init__.py");
        assertThat(lines.get(3)).startsWith("-rw-r--r-- 2.0 unx 920").endsWith("defN 00-Jan-01 00:00 notes/app.py");

        RealTool.Result test = RealTool.run(List.of("unzip", "-tq", zip.toString()), new byte[0], dir);
        assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
        assertThat(test.stdout()).contains("No errors detected");
    }

    @Test
    @Tag("real")
    void pythonZipfileReadsModesAndVerifiesCrcs(@TempDir Path dir) throws IOException {
        Path zip = Files.write(dir.resolve("fn.zip"), writer.toBytes(sample()));
        String script = String.join("\n",
                "import sys, zipfile, hashlib",
                "z = zipfile.ZipFile(sys.argv[1])",
                "assert z.testzip() is None, 'bad CRC'",
                "for i in z.infolist():",
                "    print(i.filename, oct(i.external_attr >> 16), i.create_system, i.date_time[:3], len(z.read(i)))");
        RealTool.Result result = RealTool.run(List.of("/usr/bin/python3", "-c", script, zip.toString()), new byte[0], dir);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().lines().toList()).containsExactly(
                "bootstrap 0o100755 3 (2000, 1, 1) 44",
                "notes/ 0o40755 3 (2000, 1, 1) 0",
                "notes/__init__.py 0o100644 3 (2000, 1, 1) 0",
                "notes/app.py 0o100644 3 (2000, 1, 1) 920",
                "r\u00e9sum\u00e9.txt 0o100644 3 (2000, 1, 1) 6");
    }

    @Test
    @Tag("real")
    void unzipExtractsWithModes(@TempDir Path dir) throws IOException {
        Path zip = Files.write(dir.resolve("fn.zip"), writer.toBytes(sample()));
        Path out = Files.createDirectory(dir.resolve("out"));
        RealTool.Result result = RealTool.run(List.of("unzip", "-q", zip.toString(), "-d", out.toString()), new byte[0], dir);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(Files.isExecutable(out.resolve("bootstrap"))).isTrue();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("notes/app.py"))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readString(out.resolve("notes/app.py"))).startsWith("from flask import Flask");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
