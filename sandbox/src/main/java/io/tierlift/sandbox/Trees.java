package io.tierlift.sandbox;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Deletes the sandbox's own directory trees, and never what a host still has mounted there. */
final class Trees {

    private Trees() {
    }

    /** Deletes a directory tree without following symlinks, refusing if anything is mounted below it. */
    static void delete(Path dir, ProcFs procFs) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            String real = dir.toRealPath().toString();
            for (String mountPoint : procFs.mountPoints()) {
                if (mountPoint.equals(real) || mountPoint.startsWith(real + "/")) {
                    throw new SandboxException("refusing to delete " + dir + ": " + mountPoint + " is mounted");
                }
            }
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SandboxException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
