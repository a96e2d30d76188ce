package io.tierlift.aws.lambda;

import java.util.OptionalLong;

/**
 * The package sizes Lambda accepts, checked before anything is uploaded. A parameter so tests can
 * trigger the refusal with a small package.
 *
 * @param unzippedBytes largest unpacked package (function and layers together)
 * @param zippedBytes   largest zip file, for code uploaded directly through the Lambda API; code taken
 *                      from S3 (how tierlift deploys functions) has no zipped limit of its own
 */
public record LambdaLimits(long unzippedBytes, OptionalLong zippedBytes) {
    private static final long MB = 1024L * 1024L;
    /**
     * Lambda's quotas for a function whose code is in S3: 250 MB unzipped. The 50 MB zipped quota
     * applies to direct uploads only ("upload larger files with Amazon S3").
     */
    public static final LambdaLimits LAMBDA = new LambdaLimits(250 * MB, OptionalLong.empty());

    public LambdaLimits {
        if (unzippedBytes <= 0 || zippedBytes.orElse(1) <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** The limits of a direct upload: {@code zippedBytes} for the zip, {@code unzippedBytes} unpacked. */
    public static LambdaLimits directUpload(long zippedBytes, long unzippedBytes) {
        return new LambdaLimits(unzippedBytes, OptionalLong.of(zippedBytes));
    }
}
