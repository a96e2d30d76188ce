package io.tierlift.render.aws.serverless;

import io.tierlift.tier.TierFailure;
import java.util.List;

/**
 * A Lambda Python runtime, and the glibc of the Amazon Linux it runs on, which decides which
 * binary wheels can be packaged for it (a wheel built for a newer glibc fails to load there).
 *
 * @param name       Lambda's runtime identifier, e.g. {@code python3.12}
 * @param version    the CPython version, e.g. {@code 3.12}
 * @param glibcMinor glibc 2.x of the runtime's operating system
 */
public record LambdaRuntime(String name, String version, int glibcMinor) {
    /** Runtimes up to python3.11 run on Amazon Linux 2 (glibc 2.26), newer ones on Amazon Linux 2023 (2.34). */
    private static final int AMAZON_LINUX_2 = 26;
    private static final int AMAZON_LINUX_2023 = 34;
    private static final int FIRST_ON_AMAZON_LINUX_2023 = 12;
    /**
     * The runtimes tierlift deploys, oldest first: those Lambda still creates functions with.
     * python3.10 and python3.11 are deprecated since 2026-06-30 and Lambda refuses to create
     * (since 2026-07-31) or update (since 2026-08-31) functions with them.
     */
    static final List<LambdaRuntime> OFFERED = List.of(python("3.12"), python("3.13"), python("3.14"));

    public LambdaRuntime {
        if (!version.matches("3\\.[0-9]{1,2}") || !name.equals("python" + version)) {
            throw new IllegalArgumentException("not a Lambda Python runtime: " + name + " (" + version + ")");
        }
    }

    /** The runtime of a CPython version, whether or not Lambda still offers it (packaging tests use old ones). */
    public static LambdaRuntime python(String version) {
        int minor = minor(version);
        return new LambdaRuntime("python" + version, version, minor >= FIRST_ON_AMAZON_LINUX_2023 ? AMAZON_LINUX_2023 : AMAZON_LINUX_2);
    }

    /**
     * The runtime for an app that needs Python {@code version} ({@code backend.python}): the
     * oldest offered runtime that is not older. An app written for 3.11 runs on python3.12, as
     * Lambda no longer creates python3.11 functions.
     */
    public static LambdaRuntime forPython(String version) {
        int wanted = minor(version);
        return OFFERED.stream().filter(r -> minor(r.version()) >= wanted).findFirst()
                .orElseThrow(() -> new TierFailure("backend.python: Lambda has no runtime for Python " + version
                        + " yet; aws-serverless offers " + String.join(", ", OFFERED.stream().map(LambdaRuntime::name).toList())));
    }

    private static int minor(String version) {
        if (!version.matches("3\\.[0-9]{1,2}")) {
            throw new TierFailure("backend.python: not a Python 3 version: " + version);
        }
        return Integer.parseInt(version.substring(2));
    }
}
