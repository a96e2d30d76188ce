package io.tierlift.cli.e2e;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The SDK clients a moto test reads state back with, and the clean-up every such test does. */
final class MotoClients {
    private MotoClients() {
    }

    /** {@code builder}'s client aimed at moto, with moto's test credentials. */
    static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C of(B builder, URI endpoint, String region) {
        return builder.region(Region.of(region)).endpointOverride(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Closes the clients (sockets only: a failure is of no interest), then moto, then deletes {@code root}. */
    static void closeAll(MotoShim moto, Path root, AutoCloseable... clients) throws IOException {
        for (AutoCloseable c : clients) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // sockets only
            }
        }
        if (moto != null) {
            moto.close();
        }
        if (root != null) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
