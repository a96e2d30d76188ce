package io.tierlift.release;

/**
 * One file of a release, read once into memory so the content id and the archive are computed from
 * the very same bytes (a file edited during a build cannot make them disagree).
 */
public record SourceFile(String path, byte[] content, boolean executable) {
    public SourceFile {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public byte[] contentNoCopy() {
        return content;
    }

    public long size() {
        return content.length;
    }
}
