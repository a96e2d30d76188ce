package io.tierlift.aws.lambda;

import io.tierlift.render.aws.serverless.LambdaArchitecture;
import io.tierlift.render.aws.serverless.LambdaRuntime;

import java.util.Base64;
import java.util.HexFormat;

/**
 * A Lambda deployment package: the zip, and what the deployer needs to place it. The key is named
 * after the content, so an unchanged app keeps its key and its function is not updated.
 *
 * @param sha256        hex SHA-256 of the zip
 * @param key           where it goes in the artifact bucket (the api stack's {@code CodeKey})
 * @param unzippedBytes size of everything in it, unpacked
 * @param files         number of files in it
 */
public record LambdaPackage(byte[] zip, String sha256, String key, LambdaRuntime runtime, LambdaArchitecture architecture,
                            long unzippedBytes, int files) {
    public LambdaPackage {
        zip = zip.clone();
    }

    @Override
    public byte[] zip() {
        return zip.clone();
    }

    public long zippedBytes() {
        return zip.length;
    }

    /** As Lambda reports a function's code ({@code CodeSha256}: base64 of the SHA-256), to compare with a deployed one. */
    public String codeSha256() {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
    }
}
