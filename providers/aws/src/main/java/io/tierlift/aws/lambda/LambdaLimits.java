package io.tierlift.aws.lambda;

/**
 * The package sizes Lambda accepts, checked before anything is uploaded. A parameter so tests can
 * trigger the refusal with a small package.
 *
 * @param zippedBytes   largest zip file
 * @param unzippedBytes largest unpacked package
 */
public record LambdaLimits(long zippedBytes, long unzippedBytes) {
    private static final long MB = 1024L * 1024L;
    /** Lambda's quotas: 50 MB zipped (a direct upload), 250 MB unzipped (function and layers together). */
    public static final LambdaLimits LAMBDA = new LambdaLimits(50 * MB, 250 * MB);

    public LambdaLimits {
        if (zippedBytes <= 0 || unzippedBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
