package io.tierlift.aws.s3;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Publishes a static build folder to a bucket, sending only what changed. An object counts as
 * unchanged when its stored sha256 (user metadata set by this class) and its headers match the
 * local file; ETags are not compared, since they are not an MD5 for multipart or KMS-encrypted
 * objects. Objects no longer in the build are reported, not deleted: see {@link #deleteStale}.
 */
public final class S3Sync {
    /** Stored as x-amz-meta-sha256. */
    public static final String SHA256_METADATA = "sha256";
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final WebObjectHeaders headers;
    private final Progress progress;
    private final AwsCalls aws = new AwsCalls("S3");

    public S3Sync(S3Client s3, Progress progress) {
        this(s3, new WebObjectHeaders(), progress);
    }

    public S3Sync(S3Client s3, WebObjectHeaders headers, Progress progress) {
        this.s3 = s3;
        this.headers = headers;
        this.progress = progress;
    }

    /** Uploads new and changed files of {@code folder} under {@code prefix} ("" for the bucket root). */
    public SyncResult sync(Path folder, String bucket, String prefix) {
        if (!Files.isDirectory(folder)) {
            throw new S3SyncException("nothing to publish: " + folder + " is not a folder (was the frontend built?)", null);
        }
        String keyPrefix = normalise(prefix);
        String scope = "s3://" + bucket + "/" + keyPrefix;
        Map<String, Path> local = localFiles(folder);
        Map<String, S3Object> remote = new TreeMap<>();
        aws.call("ListObjectsV2", () -> {
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix)).contents()
                    .forEach(o -> remote.put(o.key(), o));
            return null;
        });
        List<UploadedFile> uploaded = new ArrayList<>();
        Set<String> invalidations = new TreeSet<>();
        int unchanged = 0;
        for (Map.Entry<String, Path> entry : local.entrySet()) {
            String path = entry.getKey();
            Path file = entry.getValue();
            String key = keyPrefix + path;
            long size = size(file);
            String sha256 = sha256(file);
            String contentType = headers.contentType(path);
            String cacheControl = headers.cacheControl(path);
            S3Object existing = remote.get(key);
            if (existing != null && existing.size() == size
                    && matches(bucket, key, sha256, contentType, cacheControl)) {
                unchanged++;
                continue;
            }
            aws.call("PutObject", () -> s3.putObject(b -> b.bucket(bucket).key(key)
                    .contentType(contentType)
                    .cacheControl(cacheControl)
                    .metadata(Map.of(SHA256_METADATA, sha256)), RequestBody.fromFile(file)));
            uploaded.add(new UploadedFile(path, key, size, contentType, cacheControl));
            progress.step(scope, (existing == null ? "uploaded " : "updated ") + path + " (" + size + " bytes)");
            if (!headers.hashed(path)) {
                invalidations.add("/" + path);
                if (path.equals("index.html")) {
                    invalidations.add("/");
                }
            }
        }
        List<String> stale = new ArrayList<>();
        for (String key : remote.keySet()) {
            if (!local.containsKey(key.substring(keyPrefix.length()))) {
                stale.add(key);
            }
        }
        SyncResult result = new SyncResult(uploaded, unchanged, stale, new ArrayList<>(invalidations));
        progress.step(scope, result.uploaded().size() + " file(s) uploaded (" + result.uploadedBytes() + " bytes), "
                + unchanged + " unchanged, " + stale.size() + " stale");
        return result;
    }

    /**
     * Deletes objects a sync reported stale. Run it once the new version is served: until then,
     * pages already open may still request the old hashed assets.
     */
    public int deleteStale(String bucket, List<String> keys) {
        int deleted = 0;
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse response = aws.call("DeleteObjects", () -> s3.deleteObjects(b -> b.bucket(bucket)
                    .delete(d -> d.objects(batch).quiet(true))));
            if (!response.errors().isEmpty()) {
                S3Error first = response.errors().get(0);
                throw new S3SyncException("S3 refused to delete " + response.errors().size() + " object(s) from " + bucket
                        + ", first " + first.key() + ": " + first.code() + ": " + first.message(), null);
            }
            deleted += batch.size();
        }
        if (deleted > 0) {
            progress.step("s3://" + bucket, "deleted " + deleted + " stale object(s)");
        }
        return deleted;
    }

    private boolean matches(String bucket, String key, String sha256, String contentType, String cacheControl) {
        HeadObjectResponse head = aws.call("HeadObject", () -> s3.headObject(b -> b.bucket(bucket).key(key)));
        return sha256.equals(head.metadata().get(SHA256_METADATA))
                && sameMediaType(contentType, head.contentType())
                && cacheControl.equals(head.cacheControl());
    }

    /** The SDK sends "charset=utf-8" as "charset=UTF-8"; media types and charsets are case-insensitive anyway. */
    static boolean sameMediaType(String wanted, String stored) {
        return stored != null && wanted.replace(" ", "").equalsIgnoreCase(stored.replace(" ", ""));
    }

    /** Relative path ('/'-separated) → file, sorted so uploads and results come in a stable order. */
    private static Map<String, Path> localFiles(Path folder) {
        Map<String, Path> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile).forEach(file -> {
                String path = folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                files.put(path, file);
            });
        } catch (IOException | UncheckedIOException e) {
            throw new S3SyncException("cannot read the build folder " + folder + ": " + e.getMessage(), e);
        }
        return files;
    }

    static String normalise(String prefix) {
        if (prefix == null) {
            return "";
        }
        String trimmed = prefix.replaceAll("^/+", "").replaceAll("/+$", "");
        return trimmed.isEmpty() ? "" : trimmed + "/";
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new S3SyncException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The hex SHA-256 of a file, as a sync stores it under {@link #SHA256_METADATA}. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new S3SyncException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }
}
