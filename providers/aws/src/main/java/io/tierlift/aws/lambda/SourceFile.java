package io.tierlift.aws.lambda;

/**
 * One file of a release, read once into memory so the content id and the archive are computed from
 * the very same bytes (a file edited during a build cannot make them disagree).
 *
 * <p>Same as {@code io.tierlift.onprem.release.SourceFile}, which this module cannot depend on; both are
 * meant to become one class in core. Keep them identical until then.
 */
public record SourceFile(String path, byte[] content, boolean executable) {
    public SourceFile {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    byte[] contentNoCopy() {
        return content;
    }

    public long size() {
        return content.length;
    }
}
