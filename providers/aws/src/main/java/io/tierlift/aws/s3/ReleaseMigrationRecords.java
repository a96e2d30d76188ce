package io.tierlift.aws.s3;

import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The schema migrations a release carries, kept beside the release in the artifact bucket (one
 * migration per line), so {@code releases} and {@code deploy --rollback} know them for every release
 * the bucket keeps, not only the one being deployed. The record's key is named after the release's
 * content, like the release itself: written once, never changed.
 */
public final class ReleaseMigrationRecords {
    private final S3Client s3;
    private final Progress progress;

    public ReleaseMigrationRecords(S3Client s3, Progress progress) {
        this.s3 = s3;
        this.progress = progress;
    }

    /** Writes the record unless it is there already. */
    public void write(String bucket, String key, List<String> migrations) {
        byte[] body = migrations.stream().map(m -> m + "\n").reduce("", String::concat).getBytes(StandardCharsets.UTF_8);
        new S3Objects(s3, progress).uploadUnlessPresent(bucket, key, "text/plain; charset=utf-8", body);
    }

    /** The record; empty when the release was deployed before records were kept. */
    public Optional<List<String>> read(String bucket, String key) {
        try {
            String text = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
            return Optional.of(text.lines().filter(l -> !l.isBlank()).toList());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }
}
