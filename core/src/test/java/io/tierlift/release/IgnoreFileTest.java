package io.tierlift.release;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IgnoreFileTest {
    private final IgnoreFile file = IgnoreFile.parse(".gitignore", String.join("\n",
            "# comment",
            "*.log",
            "!keep.log",
            "build/",
            "/local.cfg",
            "docs/*.md",
            "**/secrets/**",
            "key?.pem",
            "[ab].tmp",
            ""));

    @Test
    void aPatternWithoutSlashMatchesTheNameAtAnyDepth() {
        assertThat(file.ignores("debug.log", false)).contains(".gitignore: *.log");
        assertThat(file.ignores("a/b/debug.log", false)).isPresent();
        assertThat(file.ignores("debug.log.txt", false)).isEmpty();
    }

    @Test
    void aLaterNegationReincludes() {
        assertThat(file.ignores("keep.log", false)).isEmpty();
        assertThat(file.ignores("sub/keep.log", false)).isEmpty();
    }

    @Test
    void aTrailingSlashMatchesFoldersOnly() {
        assertThat(file.ignores("build", true)).isPresent();
        assertThat(file.ignores("pkg/build", true)).isPresent();
        assertThat(file.ignores("build", false)).isEmpty();
    }

    @Test
    void aSlashAnchorsThePatternToTheFilesFolder() {
        assertThat(file.ignores("local.cfg", false)).isPresent();
        assertThat(file.ignores("sub/local.cfg", false)).isEmpty();
        assertThat(file.ignores("docs/a.md", false)).isPresent();
        assertThat(file.ignores("docs/deep/a.md", false)).isEmpty();
        assertThat(file.ignores("x/docs/a.md", false)).isEmpty();
    }

    @Test
    void doubleStarsAndCharacterClassesWorkAsInGit() {
        assertThat(file.ignores("secrets/db.txt", false)).isPresent();
        assertThat(file.ignores("a/secrets/b/db.txt", false)).isPresent();
        assertThat(file.ignores("key1.pem", false)).isPresent();
        assertThat(file.ignores("key10.pem", false)).isEmpty();
        assertThat(file.ignores("a.tmp", false)).isPresent();
        assertThat(file.ignores("c.tmp", false)).isEmpty();
    }
}
