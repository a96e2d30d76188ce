package io.tierlift.cli.command;

import io.tierlift.provider.RenderedFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes rendered files below a folder, replacing what a previous render left there, so the
 * folder shows exactly what would be placed. Modes are kept; owners are not (they need root).
 */
final class RenderedTreeWriter {
    void replace(Path root, List<RenderedFile> files) throws IOException {
        Path normalizedRoot = root.toAbsolutePath().normalize();
        if (Files.exists(normalizedRoot)) {
            try (Stream<Path> walk = Files.walk(normalizedRoot)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        for (RenderedFile file : files) {
            Path target = normalizedRoot.resolve(file.location()).normalize();
            if (!target.startsWith(normalizedRoot)) {
                throw new IOException("refusing to write outside " + normalizedRoot + ": " + file.location());
            }
            Files.createDirectories(target.getParent());
            Files.write(target, file.content());
            try {
                Files.setPosixFilePermissions(target, permissions(file.mode()));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: contents still match, modes are informational here.
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                result.add(order[bit]);
            }
        }
        return result;
    }
}
