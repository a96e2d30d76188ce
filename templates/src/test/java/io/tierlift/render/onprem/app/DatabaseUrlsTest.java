package io.tierlift.render.onprem.app;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseUrlsTest {
    private final DatabaseUrls urls = new DatabaseUrls();

    @Test
    void plainValuesStayReadable() {
        assertThat(urls.url("notes", "s3cret-pass_1.x~", "10.0.3.21", 5432, "notes"))
                .isEqualTo("postgresql://notes:s3cret-pass_1.x~@10.0.3.21:5432/notes");
    }

    @Test
    void everyCharacterWithAMeaningInUrlsIsPercentEncoded() {
        String password = "p@ss w:rd/%?#+&=[]'\"\\ü€";
        String url = urls.url("notes", password, "db1", 5432, "notes");
        assertThat(url).isEqualTo("postgresql://notes:p%40ss%20w%3Ard%2F%25%3F%23%2B%26%3D%5B%5D%27%22%5C%C3%BC%E2%82%AC@db1:5432/notes");
        URI uri = URI.create(url);
        assertThat(uri.getHost()).isEqualTo("db1");
        assertThat(uri.getPort()).isEqualTo(5432);
        assertThat(uri.getPath()).isEqualTo("/notes");
        String rawPassword = uri.getRawUserInfo().substring("notes:".length());
        // No '+' is ever emitted, so form decoding and plain percent decoding agree.
        assertThat(rawPassword).doesNotContain("+");
        assertThat(URLDecoder.decode(rawPassword, StandardCharsets.UTF_8)).isEqualTo(password);
    }
}
