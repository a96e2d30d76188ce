package io.tierlift.render.onprem.edge;

import io.tierlift.render.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/** Every edge file of every variation, compared with its reviewed golden copy. */
class EdgeRendererGoldenTest {
    static Stream<EdgeVariations.Variation> variations() {
        return EdgeVariations.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variations")
    void matchesGoldenCopy(EdgeVariations.Variation variation) {
        GoldenFiles.assertMatches(variation.caseName(), variation.render());
    }
}
