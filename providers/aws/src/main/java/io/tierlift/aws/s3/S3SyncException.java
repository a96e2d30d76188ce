package io.tierlift.aws.s3;

/** A sync step that could not finish: a local file unreadable, or objects S3 refused to delete. */
public class S3SyncException extends RuntimeException {
    public S3SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
