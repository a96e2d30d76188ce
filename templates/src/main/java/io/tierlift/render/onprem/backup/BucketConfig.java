package io.tierlift.render.onprem.backup;

import java.util.List;

/**
 * View model of pgbackrest.conf on a database host whose repository is an S3-compatible bucket: the
 * bucket, its keys and CA file ({@code caFile} holds one path or none), the encrypted repository in
 * it, and the local PostgreSQL it backs up.
 */
public record BucketConfig(String hostName, String stanza, String endpoint, String endpointHost, int endpointPort,
                           String bucket, String region, String uriStyle, String accessKey, String secretKey,
                           List<String> caFile, String repositoryPath, int retentionFull, String cipherPass,
                           String dataDir, int port, String scheduledBackup) {
    public BucketConfig {
        caFile = List.copyOf(caFile);
    }
}
