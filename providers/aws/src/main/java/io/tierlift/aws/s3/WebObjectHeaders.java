package io.tierlift.aws.s3;

import java.util.Locale;
import java.util.Map;

/**
 * Content-Type and Cache-Control for a static web build. Bundlers put content-hashed names under
 * {@code assets/}: those never change under the same name and are cached for a year; everything
 * else (index.html, robots.txt, favicon) must be revalidated so a deploy shows at once.
 */
public class WebObjectHeaders {
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";
    public static final String REVALIDATE = "no-cache";
    private static final String DEFAULT_TYPE = "application/octet-stream";
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("wasm", "application/wasm"));

    /** {@code path} is relative to the build folder, with '/' separators. */
    public String contentType(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot <= slash + 1) {
            return DEFAULT_TYPE;
        }
        return TYPES.getOrDefault(path.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT_TYPE);
    }

    public boolean hashed(String path) {
        return path.startsWith("assets/");
    }

    public String cacheControl(String path) {
        return hashed(path) ? IMMUTABLE : REVALIDATE;
    }
}
