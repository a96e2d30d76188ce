package io.tierlift.archive;

/** An archive cannot be written as asked: the message names the entry and the limit it broke. */
public class ArchiveException extends RuntimeException {
    public ArchiveException(String message) {
        super(message);
    }

    public ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
