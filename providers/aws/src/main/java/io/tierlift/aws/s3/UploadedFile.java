package io.tierlift.aws.s3;

/** One file sent by a sync: its path in the build, its object key, size and headers. */
public record UploadedFile(String path, String key, long bytes, String contentType, String cacheControl) {
}
