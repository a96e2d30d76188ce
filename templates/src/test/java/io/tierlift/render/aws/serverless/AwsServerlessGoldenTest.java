package io.tierlift.render.aws.serverless;

import io.tierlift.render.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every file of every aws-serverless variation against its reviewed copy under
 * {@code golden/serverless-*}. Regenerate with {@code -Dgolden.update=true} and read the diff.
 */
class AwsServerlessGoldenTest {
    @ParameterizedTest
    @EnumSource(ServerlessCases.class)
    void rendersAsReviewed(ServerlessCases variation) {
        GoldenFiles.assertMatches(variation.caseName(), variation.render());
    }
}
