package io.tierlift.aws.s3;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WebObjectHeadersTest {
    private final WebObjectHeaders headers = new WebObjectHeaders();

    @Test
    void typesForWhatABuildShips() {
        assertThat(headers.contentType("index.html")).isEqualTo("text/html; charset=utf-8");
        assertThat(headers.contentType("assets/app.mjs")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(headers.contentType("assets/app.js.map")).isEqualTo("application/json");
        assertThat(headers.contentType("manifest.json")).isEqualTo("application/json");
        assertThat(headers.contentType("logo.SVG")).isEqualTo("image/svg+xml");
        assertThat(headers.contentType("a/b.png")).isEqualTo("image/png");
        assertThat(headers.contentType("a/b.jpg")).isEqualTo("image/jpeg");
        assertThat(headers.contentType("a/b.webp")).isEqualTo("image/webp");
        assertThat(headers.contentType("fonts/x.woff2")).isEqualTo("font/woff2");
        assertThat(headers.contentType("robots.txt")).isEqualTo("text/plain; charset=utf-8");
        assertThat(headers.contentType("engine.wasm")).isEqualTo("application/wasm");
        assertThat(headers.contentType("LICENSE")).isEqualTo("application/octet-stream");
        assertThat(headers.contentType(".well-known/security")).isEqualTo("application/octet-stream");
        assertThat(headers.contentType("dir.v2/README")).isEqualTo("application/octet-stream");
    }

    @Test
    void onlyHashedAssetsAreCachedForever() {
        assertThat(headers.cacheControl("assets/index-3f9a1c.js")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(headers.cacheControl("index.html")).isEqualTo("no-cache");
        assertThat(headers.cacheControl("favicon.ico")).isEqualTo("no-cache");
        assertThat(headers.cacheControl("static/assets/x.js")).isEqualTo("no-cache");
    }

    @Test
    void prefixesAreNormalised() {
        assertThat(S3Sync.normalise(null)).isEmpty();
        assertThat(S3Sync.normalise("/")).isEmpty();
        assertThat(S3Sync.normalise("web")).isEqualTo("web/");
        assertThat(S3Sync.normalise("/web/v1/")).isEqualTo("web/v1/");
    }
}
