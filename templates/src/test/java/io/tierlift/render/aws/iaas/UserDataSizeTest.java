package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.secret.SecretView;
import io.tierlift.tier.TierFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * EC2 takes at most 16 KB of user data: the launch template carries the boot script's body
 * gzip-compressed, the same bytes on every render, and an app whose script would still not fit is
 * refused with what to move.
 */
class UserDataSizeTest {
    private static final Pattern PACKED = Pattern.compile(
            "(?ms)^base64 -d <<'TIERLIFT_BODY' \\| gunzip > /run/tierlift-boot.sh\\n(.*?)^TIERLIFT_BODY\\n\\. /run/tierlift-boot.sh\\n\\z");

    @TempDir
    Path dir;

    @Test
    void anAppWithFarMoreVariablesThanTheExampleFitsBecauseTheBodyTravelsCompressed() throws IOException {
        // 60 variables of 80 characters each and a long release command: over 16 KB of script unpacked.
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            env.append("    NOTES_SETTING_").append(i).append(": \"").append(("value-" + i + "-").repeat(12), 0, 80).append("\"\n");
        }
        AppDescriptor app = descriptor(env.toString(), "python -m notes.migrate --apply --verbose " + "--step=x ".repeat(60));
        RenderedStacks stacks = new RenderedStacks(new AwsIaasRenderer().render(app, SecretView.masked()));

        assertThat(stacks.text("user-data.sh").getBytes(StandardCharsets.UTF_8).length).isGreaterThan(UserData.LIMIT_BYTES);
        assertThat(userDataBytes(stacks)).isLessThan(UserData.LIMIT_BYTES);
    }

    @Test
    void anAppWhoseBootScriptCannotFitIsRefusedNamingTheSizeTheLimitAndWhatToMove() throws IOException {
        // Random values barely compress: 90 of 400 hex digits (the descriptor allows 100 of 4096 characters) are too
        // much even packed.
        Random random = new Random(7);
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < 90; i++) {
            StringBuilder value = new StringBuilder();
            for (int c = 0; c < 400; c++) {
                value.append(Character.forDigit(random.nextInt(16), 16));
            }
            env.append("    NOTES_KEY_").append(i).append(": \"").append(value).append("\"\n");
        }
        AppDescriptor app = descriptor(env.toString(), null);

        assertThatThrownBy(() -> new AwsIaasRenderer().render(app, SecretView.masked()))
                .isInstanceOf(TierFailure.class)
                .hasMessageMatching("(?s)backend: the instances' boot script comes to about \\d{5} bytes of user data .*"
                        + "EC2 accepts at most 16384\\..*backend\\.env.*secret references.*release command.*");
    }

    @Test
    void thePackedBodyUnpacksToTheReviewedBodyAndIsTheSameBytesOnEveryRender() throws IOException {
        RenderedStacks first = new RenderedStacks(IaasCases.EXAMPLE.render());
        RenderedStacks second = new RenderedStacks(IaasCases.EXAMPLE.render());
        String packed = userDataParts(first).get(1).asText();
        assertThat(packed).isEqualTo(userDataParts(second).get(1).asText());

        Matcher payload = PACKED.matcher(packed);
        assertThat(payload.find()).as(packed).isTrue();
        byte[] gzip = Base64.getMimeDecoder().decode(payload.group(1));
        // RFC 1952 header: no flags (so no file name) and a zero modification time, nothing that changes by itself.
        assertThat(gzip[3]).as("FLG").isZero();
        assertThat(new byte[]{gzip[4], gzip[5], gzip[6], gzip[7]}).as("MTIME").containsOnly(0);
        String header = userDataParts(first).get(0).path("Fn::Sub").asText();
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            assertThat(header + new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(first.text("user-data.sh"));
        }
    }

    private AppDescriptor descriptor(String env, String releaseCommand) throws IOException {
        String yaml = Files.readString(Path.of("src/test/resources/descriptors/iaas-example.yaml"))
                .replace("  env:\n", "  env:\n" + env);
        if (releaseCommand != null) {
            yaml = yaml.replace("  release_command: \"python -m notes.migrate\"", "  release_command: \"" + releaseCommand + "\"");
        }
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, yaml);
        return new DescriptorLoader().load(file, Optional.empty()).descriptor();
    }

    private static JsonNode userDataParts(RenderedStacks stacks) {
        return stacks.resource("compute", "LaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("UserData").path("Fn::Base64").path("Fn::Join").get(1);
    }

    private static int userDataBytes(RenderedStacks stacks) {
        JsonNode parts = userDataParts(stacks);
        return (parts.get(0).path("Fn::Sub").asText() + parts.get(1).asText()).getBytes(StandardCharsets.UTF_8).length;
    }
}
