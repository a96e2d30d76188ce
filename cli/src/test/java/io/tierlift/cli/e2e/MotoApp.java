package io.tierlift.cli.e2e;

import io.tierlift.aws.serverless.ReleaseInvoker;
import io.tierlift.cli.Tiers;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The example app as a moto test deploys it: its sources copied into the test's folder, its descriptor
 * without what moto lacks, the environment the CLI runs with, and the tiers with no SSH anywhere.
 */
final class MotoApp {
    /** The requirements file of a Lambda package built without pip: there are no wheels for the Lambda runtime here. */
    static final String NO_DEPENDENCIES = "# no dependencies in the moto test\n";

    private static final Path EXAMPLE = Path.of("../examples/notes");

    private MotoApp() {
    }

    /** The CLI's tiers for AWS only: an SSH connection fails the test saying {@code "no SSH on " + where}. */
    static Function<TierContext, TierRegistry> tiersWithoutSsh(String where, ReleaseInvoker release) {
        return context -> Tiers.with(context, (target, accept) -> {
            throw new AssertionError("no SSH on " + where);
        }, Optional.of(release));
    }

    /** A release command that exits 0 having printed {@code output}, in place of the Lambda invoke moto cannot run. */
    static ReleaseInvoker releaseSucceeding(String output) {
        return new AnsweringReleaseInvoker(output);
    }

    /** Copies the example's backend and built frontend into {@code app}; fails when the frontend was never built. */
    static Path copyExample(Path app) throws IOException {
        if (!Files.exists(EXAMPLE.resolve("frontend/dist/index.html"))) {
            throw new IllegalStateException("examples/notes/frontend/dist is missing: build it first (bin/test does)");
        }
        copyTree(EXAMPLE.resolve("backend"), app.resolve("backend"));
        copyTree(EXAMPLE.resolve("frontend/dist"), app.resolve("frontend/dist"));
        return app;
    }

    /** {@link #copyExample} with the backend's requirements replaced by {@code requirements}. */
    static Path copyExample(Path app, String requirements) throws IOException {
        copyExample(app);
        Files.writeString(app.resolve("backend/requirements.txt"), requirements);
        return app;
    }

    /**
     * The example's descriptor for moto, which has no ACM: no certificate, and the ALB allowed to listen on
     * plain HTTP in place of an origin domain.
     */
    static String exampleDescriptorWithoutAcm() throws IOException {
        String edited = Files.readString(EXAMPLE.resolve("app.yaml"))
                .replaceAll("(?m)^    certificate_arn: .*\\n", "")
                .replaceAll("(?m)^    origin_domain: .*\\n", "    allow_http: true\n");
        if (!edited.contains("allow_http: true") || edited.contains("certificate_arn")) {
            throw new IllegalStateException("examples/notes/app.yaml no longer has the certificate_arn/origin_domain lines to edit");
        }
        return edited;
    }

    /**
     * The CLI's environment against moto: the SDK's endpoint, region and moto's test keys, {@code home} as HOME,
     * no colours, and {@code more} (the secrets the descriptor reads, PATH, USER as each test needs).
     */
    static Map<String, String> env(MotoShim moto, String region, Path home, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", region,
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "HOME", home.toString(), "NO_COLOR", "1"));
        env.putAll(more);
        return Map.copyOf(env);
    }

    /** Copies {@code from} into {@code to}, leaving out the bytecode caches a local run of the example leaves behind. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.toString().contains("__pycache__")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
