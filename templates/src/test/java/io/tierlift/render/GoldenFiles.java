package io.tierlift.render;

import io.tierlift.provider.RenderedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares rendered files with the checked-in golden copies under
 * {@code src/test/resources/golden/<case>/}. Regenerate with
 * {@code mvn -pl templates test -Dgolden.update=true} and review the diff in git.
 */
public final class GoldenFiles {
    private static final Path ROOT = Path.of("src/test/resources/golden");

    private GoldenFiles() {
    }

    public static boolean updating() {
        return Boolean.getBoolean("golden.update") || "1".equals(System.getenv("UPDATE_GOLDEN"));
    }

    public static void assertMatches(String caseName, List<RenderedFile> files) {
        Path dir = ROOT.resolve(caseName);
        try {
            if (updating()) {
                if (Files.exists(dir)) {
                    try (Stream<Path> walk = Files.walk(dir)) {
                        walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
                    }
                }
                for (RenderedFile file : files) {
                    Path target = dir.resolve(file.location());
                    Files.createDirectories(target.getParent());
                    Files.write(target, file.content());
                }
                return;
            }
            assertThat(dir).as("golden folder for case %s (run with -Dgolden.update=true to create)", caseName).isDirectory();
            Set<String> expected;
            try (Stream<Path> walk = Files.walk(dir)) {
                expected = walk.filter(Files::isRegularFile)
                        .map(p -> dir.relativize(p).toString())
                        .collect(Collectors.toCollection(TreeSet::new));
            }
            Set<String> actual = files.stream().map(RenderedFile::location).collect(Collectors.toCollection(TreeSet::new));
            assertThat(actual).as("files rendered for case %s", caseName).containsExactlyElementsOf(expected);
            for (RenderedFile file : files) {
                String golden = Files.readString(dir.resolve(file.location()));
                assertThat(file.contentAsText()).as("%s/%s differs from its golden copy", caseName, file.location()).isEqualTo(golden);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
