package io.tierlift.render.aws.iaas;

import io.tierlift.render.GoldenFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every file of every aws-iaas variation against its reviewed copy under
 * {@code golden/iaas-*}. Regenerate with {@code -Dgolden.update=true} and read the diff.
 */
class AwsIaasGoldenTest {
    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void rendersAsReviewed(IaasCases variation) {
        GoldenFiles.assertMatches(variation.caseName(), variation.render());
    }
}
