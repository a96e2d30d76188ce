package io.tierlift.onprem.release;

/** One file of the frontend build: path relative to the dist folder, hex SHA-256, size in bytes. */
public record StaticFile(String path, String sha256, long size) {
}
