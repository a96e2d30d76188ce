package io.tierlift.aws.s3;

import io.tierlift.provider.Progress;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Objects of a bucket: whether one is there, uploads whose key is named after their content, emptying the bucket. */
public final class S3Objects {
    /** DeleteObjects takes at most this many keys. */
    private static final int DELETE_BATCH = 1000;

    private final S3Client s3;
    private final Progress progress;

    public S3Objects(S3Client s3, Progress progress) {
        this.s3 = s3;
        this.progress = progress;
    }

    /** The object's head, or empty when the bucket holds nothing under {@code key}. */
    public Optional<HeadObjectResponse> head(String bucket, String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            // HEAD answers carry no body, so a missing key may come back as a bare 404.
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Uploads {@code body} unless an object with its key is already there. Meant for keys named
     * after the content: an object under the same key is the same content, so it is not sent again.
     */
    public boolean uploadUnlessPresent(String bucket, String key, String contentType, byte[] body) {
        if (head(bucket, key).isPresent()) {
            progress.step("s3://" + bucket, key + " is already there");
            return false;
        }
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(body));
        progress.step("s3://" + bucket, "uploaded " + key + " (" + body.length + " bytes)");
        return true;
    }

    /**
     * Deletes every object version and delete marker (a versioned bucket keeps both, and
     * CloudFormation can't delete a bucket that holds any).
     */
    public void empty(String bucket) {
        int count = 0;
        while (true) {
            var listed = s3.listObjectVersions(b -> b.bucket(bucket));
            List<ObjectIdentifier> ids = new ArrayList<>();
            listed.versions().forEach(v -> ids.add(ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
            listed.deleteMarkers().forEach(m -> ids.add(ObjectIdentifier.builder().key(m.key()).versionId(m.versionId()).build()));
            if (ids.isEmpty()) {
                break;
            }
            for (int from = 0; from < ids.size(); from += DELETE_BATCH) {
                List<ObjectIdentifier> batch = ids.subList(from, Math.min(ids.size(), from + DELETE_BATCH));
                s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
            }
            count += ids.size();
        }
        progress.step("s3://" + bucket, "emptied (" + count + " object version(s) deleted)");
    }
}
