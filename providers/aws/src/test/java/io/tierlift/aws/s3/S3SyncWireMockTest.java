package io.tierlift.aws.s3;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tierlift.aws.client.AwsClients;
import io.tierlift.aws.testing.LocalAws;
import io.tierlift.aws.testing.RecordingProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToIgnoreCase;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/** The sync against S3's REST protocol: which files are sent, with which headers, and what is left stale. */
class S3SyncWireMockTest {
    private static final String BUCKET = "notes-site";

    @TempDir
    Path build;
    private WireMockServer wiremock;
    private AwsClients clients;
    private final RecordingProgress progress = new RecordingProgress();

    @BeforeEach
    void start() throws IOException {
        wiremock = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
        clients = LocalAws.clients(URI.create("http://127.0.0.1:" + wiremock.port()), 2);
        write("index.html", "<!doctype html><title>notes</title>");
        write("assets/index-3f9a1c.js", "console.log('notes')");
        write("assets/index-77b0e2.css", "body{margin:0}");
        write("favicon.ico", "ICO");
        wiremock.stubFor(put(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("ETag", "\"etag\"")));
    }

    @AfterEach
    void stop() {
        clients.close();
        wiremock.stop();
    }

    private void write(String path, String content) throws IOException {
        Path file = build.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
    }

    private S3Sync sync() {
        return new S3Sync(clients.s3(LocalAws.REGION), progress);
    }

    private void listing(String continuationToken, String nextToken, Map<String, Long> objects) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
                + "  <Name>" + BUCKET + "</Name><Prefix>web/</Prefix><KeyCount>" + objects.size() + "</KeyCount>"
                + "<MaxKeys>1000</MaxKeys><IsTruncated>" + (nextToken != null) + "</IsTruncated>\n");
        if (nextToken != null) {
            xml.append("  <NextContinuationToken>").append(nextToken).append("</NextContinuationToken>\n");
        }
        objects.forEach((key, size) -> xml.append("  <Contents><Key>").append(key)
                .append("</Key><LastModified>2026-11-20T10:00:00.000Z</LastModified><ETag>\"0c2a5d3f\"</ETag><Size>")
                .append(size).append("</Size><StorageClass>STANDARD</StorageClass></Contents>\n"));
        xml.append("</ListBucketResult>\n");
        var mapping = get(urlPathEqualTo("/" + BUCKET)).withQueryParam("list-type", equalTo("2"))
                .withQueryParam("prefix", equalTo("web/"));
        if (continuationToken != null) {
            mapping = mapping.withQueryParam("continuation-token", equalTo(continuationToken));
        } else {
            mapping = mapping.withQueryParam("continuation-token", com.github.tomakehurst.wiremock.client.WireMock.absent());
        }
        wiremock.stubFor(mapping.willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
                .withBody(xml.toString())));
    }

    private void stored(String key, String content, String contentType, String cacheControl) throws Exception {
        wiremock.stubFor(head(urlEqualTo("/" + BUCKET + "/" + key)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", contentType)
                .withHeader("Cache-Control", cacheControl)
                .withHeader("Content-Length", String.valueOf(content.length()))
                .withHeader("ETag", "\"0c2a5d3f\"")
                .withHeader("x-amz-meta-sha256", sha256(content))));
    }

    @Test
    void firstSyncUploadsEverythingWithTypesCachingAndHashes() throws Exception {
        listing(null, null, Map.of());

        SyncResult result = sync().sync(build, BUCKET, "/web/");

        assertThat(result.uploaded()).extracting(UploadedFile::key).containsExactly(
                "web/assets/index-3f9a1c.js", "web/assets/index-77b0e2.css", "web/favicon.ico", "web/index.html");
        assertThat(result.uploadedBytes()).isEqualTo(20 + 14 + 3 + 35);
        assertThat(result.unchanged()).isZero();
        assertThat(result.invalidationPaths()).containsExactly("/", "/favicon.ico", "/index.html");
        wiremock.verify(putRequestedFor(urlEqualTo("/" + BUCKET + "/web/index.html"))
                .withHeader("Content-Type", equalToIgnoreCase("text/html; charset=utf-8"))
                .withHeader("Cache-Control", equalTo("no-cache"))
                .withHeader("x-amz-meta-sha256", equalTo(sha256("<!doctype html><title>notes</title>")))
                .withRequestBody(equalTo("<!doctype html><title>notes</title>")));
        wiremock.verify(putRequestedFor(urlEqualTo("/" + BUCKET + "/web/assets/index-3f9a1c.js"))
                .withHeader("Content-Type", equalToIgnoreCase("text/javascript; charset=utf-8"))
                .withHeader("Cache-Control", equalTo("public, max-age=31536000, immutable")));
        wiremock.verify(putRequestedFor(urlEqualTo("/" + BUCKET + "/web/assets/index-77b0e2.css"))
                .withHeader("Content-Type", equalToIgnoreCase("text/css; charset=utf-8")));
        wiremock.verify(putRequestedFor(urlEqualTo("/" + BUCKET + "/web/favicon.ico"))
                .withHeader("Content-Type", equalTo("image/x-icon")));
        // Plain bodies with a length: no aws-chunked framing for emulators to trip over.
        for (LoggedRequest put : wiremock.findAll(putRequestedFor(anyUrl()))) {
            assertThat(put.getHeader("Content-Encoding")).isNull();
            assertThat(put.containsHeader("Content-Length")).isTrue();
        }
        assertThat(progress.lines()).contains("s3://notes-site/web/: uploaded index.html (35 bytes)");
    }

    @Test
    void unchangedFilesAreNotSentAgainAndOnlyTheChangedOneIs() throws Exception {
        String newIndex = "<!doctype html><title>NOTES</title>";   // same length, other content
        write("index.html", newIndex);
        listing(null, "page-2", new TreeMap<>(Map.of(
                "web/assets/index-3f9a1c.js", 20L,
                "web/assets/index-77b0e2.css", 14L)));
        listing("page-2", null, new TreeMap<>(Map.of(
                "web/favicon.ico", 99L,                      // size differs: re-sent without asking
                "web/index.html", 35L,
                "web/assets/index-0ld000.js", 18L)));          // gone from the build
        stored("web/assets/index-3f9a1c.js", "console.log('notes')", "text/javascript; charset=utf-8",
                WebObjectHeaders.IMMUTABLE);
        stored("web/assets/index-77b0e2.css", "body{margin:0}", "text/css; charset=utf-8", WebObjectHeaders.IMMUTABLE);
        stored("web/index.html", "<!doctype html><title>notes</title>", "text/html; charset=utf-8", "no-cache");

        SyncResult result = sync().sync(build, BUCKET, "web");

        assertThat(result.uploaded()).extracting(UploadedFile::path).containsExactly("favicon.ico", "index.html");
        assertThat(result.unchanged()).isEqualTo(2);
        assertThat(result.staleKeys()).containsExactly("web/assets/index-0ld000.js");
        assertThat(result.invalidationPaths()).containsExactly("/", "/favicon.ico", "/index.html");
        wiremock.verify(2, putRequestedFor(anyUrl()));
        wiremock.verify(0, headRequestedFor(urlEqualTo("/" + BUCKET + "/web/favicon.ico")));
        wiremock.verify(putRequestedFor(urlEqualTo("/" + BUCKET + "/web/index.html"))
                .withHeader("x-amz-meta-sha256", equalTo(sha256(newIndex))));
    }

    @Test
    void anObjectWithStaleHeadersIsSentAgainEvenWithTheSameContent() throws Exception {
        listing(null, null, new TreeMap<>(Map.of("web/assets/index-3f9a1c.js", 20L)));
        stored("web/assets/index-3f9a1c.js", "console.log('notes')", "application/octet-stream", WebObjectHeaders.IMMUTABLE);

        SyncResult result = sync().sync(build, BUCKET, "web");

        assertThat(result.uploaded()).extracting(UploadedFile::path).contains("assets/index-3f9a1c.js");
        assertThat(result.invalidationPaths()).doesNotContain("/assets/index-3f9a1c.js");
    }

    @Test
    void staleObjectsAreDeletedOnlyWhenAskedInOneBatch() {
        wiremock.stubFor(post(urlEqualTo("/" + BUCKET + "?delete")).willReturn(aResponse().withStatus(200)
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></DeleteResult>")));

        int deleted = sync().deleteStale(BUCKET, List.of("web/assets/index-0ld000.js", "web/old.html"));

        assertThat(deleted).isEqualTo(2);
        wiremock.verify(1, postRequestedFor(urlEqualTo("/" + BUCKET + "?delete"))
                .withRequestBody(containing("<Key>web/assets/index-0ld000.js</Key>"))
                .withRequestBody(containing("<Key>web/old.html</Key>"))
                .withRequestBody(containing("<Quiet>true</Quiet>")));
    }

    @Test
    void refusedDeletesAreReported() {
        wiremock.stubFor(post(urlEqualTo("/" + BUCKET + "?delete")).willReturn(aResponse().withStatus(200)
                .withBody("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        + "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                        + "<Error><Key>web/old.html</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
                        + "</DeleteResult>")));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync().deleteStale(BUCKET, List.of("web/old.html")))
                .isInstanceOf(S3SyncException.class)
                .hasMessage("S3 refused to delete 1 object(s) from notes-site, first web/old.html: AccessDenied: Access Denied");
    }

    @Test
    void aMissingBuildFolderIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sync().sync(build.resolve("dist"), BUCKET, ""))
                .isInstanceOf(S3SyncException.class)
                .hasMessageContaining("is not a folder (was the frontend built?)");
    }
}
