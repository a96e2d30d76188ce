package io.tierlift.aws.s3;

import java.util.List;

/**
 * What a sync did. {@code staleKeys} exist in the bucket but not in the build; they are deleted
 * only by {@link S3Sync#deleteStale}, once the new version is live (old pages may still load them).
 * {@code invalidationPaths} are the site paths of changed files that are not content-hashed, for a
 * CloudFront invalidation ("/" is included when the root index.html changed).
 */
public record SyncResult(List<UploadedFile> uploaded, int unchanged, List<String> staleKeys,
                         List<String> invalidationPaths) {
    public SyncResult {
        uploaded = List.copyOf(uploaded);
        staleKeys = List.copyOf(staleKeys);
        invalidationPaths = List.copyOf(invalidationPaths);
    }

    public long uploadedBytes() {
        return uploaded.stream().mapToLong(UploadedFile::bytes).sum();
    }

    public boolean changed() {
        return !uploaded.isEmpty();
    }
}
