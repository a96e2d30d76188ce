package io.tierlift.model;

import io.tierlift.secret.SecretRef;

import java.util.Optional;

/**
 * A pgBackRest repository in an S3-compatible bucket: where it is ({@code endpoint} as host or
 * host:port, {@code bucket}, {@code region}, path-style or virtual-host-style addressing), the access
 * key pair as references, the CA certificate that signs the endpoint's certificate when it is not a
 * public one (a reference, read on this machine and placed on the database hosts), and the folder of
 * the bucket the repository lives in.
 */
public record S3Repository(String endpoint, String bucket, String region, String uriStyle, SecretRef accessKey,
                           SecretRef secretKey, Optional<SecretRef> ca, String path) {
    /** The endpoint without its port: pgBackRest takes the port as a setting of its own. */
    public String endpointHost() {
        int colon = endpoint.lastIndexOf(':');
        return colon < 0 ? endpoint : endpoint.substring(0, colon);
    }

    /** The endpoint's port; HTTPS's own when none is given. */
    public int endpointPort() {
        int colon = endpoint.lastIndexOf(':');
        return colon < 0 ? 443 : Integer.parseInt(endpoint.substring(colon + 1));
    }
}
