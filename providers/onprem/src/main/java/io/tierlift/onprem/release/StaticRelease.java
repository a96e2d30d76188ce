package io.tierlift.onprem.release;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The frontend build as a release: {@code id} ("s-" + 12 hex) names its content, {@code archive}
 * holds the dist folder's files at the archive root, {@code files} lists them with checksums (what
 * an object-store sync compares against). {@code rebuilt} says why this run built the frontend,
 * when it did.
 *
 * <p>The archive and the listing are made the first time one is asked for: a redeploy whose hosts
 * already have this release reads none of the files.
 */
public final class StaticRelease {
    /** The archive and the listing, made together from one reading of the files. */
    record Content(byte[] archive, List<StaticFile> files) {
    }

    private final String id;
    private final Supplier<Content> source;
    private final Optional<String> rebuilt;
    private Content content;

    public StaticRelease(String id, byte[] archive, List<StaticFile> files) {
        this(id, () -> new Content(archive.clone(), List.copyOf(files)));
    }

    StaticRelease(String id, Supplier<Content> source) {
        this(id, source, Optional.empty());
    }

    StaticRelease(String id, Supplier<Content> source, Optional<String> rebuilt) {
        this.id = id;
        this.source = source;
        this.rebuilt = rebuilt;
    }

    public Optional<String> rebuilt() {
        return rebuilt;
    }

    public String id() {
        return id;
    }

    public byte[] archive() {
        return content().archive().clone();
    }

    public int archiveSize() {
        return content().archive().length;
    }

    public List<StaticFile> files() {
        return content().files();
    }

    private synchronized Content content() {
        if (content == null) {
            Content made = source.get();
            content = new Content(made.archive(), List.copyOf(made.files()));
        }
        return content;
    }
}
