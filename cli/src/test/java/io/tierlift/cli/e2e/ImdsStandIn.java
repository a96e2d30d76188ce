package io.tierlift.cli.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The instance metadata service of one EC2 instance, as IMDSv2 answers (the launch template requires
 * tokens): {@code PUT /latest/api/token} with a TTL header gives a session token, and metadata is
 * answered only to requests that carry it (401 otherwise). It knows the instance's id and its instance
 * profile's credentials (moto accepts any), which the AWS CLI fetches by itself when it has no other.
 * Listens on one address of this machine; a machine reaches it at 169.254.169.254 through a DNAT rule
 * in its own network namespace.
 */
final class ImdsStandIn implements AutoCloseable {
    private static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private final HttpServer server;
    private final String token = UUID.randomUUID().toString();
    private final Map<String, String> metadata;
    /** "METHOD path status" of every request, for the test's assertions. */
    final List<String> requests = new CopyOnWriteArrayList<>();

    ImdsStandIn(InetAddress address, String instanceId, String roleName) throws IOException {
        String credentials = """
                {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDSSTANDIN", "SecretAccessKey": "stand-in",
                 "Token": "stand-in-session", "LastUpdated": "%s", "Expiration": "%s"}"""
                .formatted(Instant.now().truncatedTo(ChronoUnit.SECONDS), Instant.now().plus(6, ChronoUnit.HOURS)
                        .truncatedTo(ChronoUnit.SECONDS));
        metadata = Map.of(
                "/latest/meta-data/instance-id", instanceId,
                "/latest/meta-data/iam/security-credentials/", roleName,
                "/latest/meta-data/iam/security-credentials/" + roleName, credentials);
        server = HttpServer.create(new InetSocketAddress(address, 0), 16);
        server.createContext("/latest/", this::answer);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        int status;
        String body = "";
        if (path.equals("/latest/api/token")) {
            String ttl = exchange.getRequestHeaders().getFirst(TTL_HEADER);
            boolean validTtl = ttl != null && ttl.matches("\\d{1,5}") && Integer.parseInt(ttl) >= 1 && Integer.parseInt(ttl) <= 21600;
            status = method.equals("PUT") ? (validTtl ? 200 : 400) : 405;
            body = status == 200 ? token : "";
        } else if (!token.equals(exchange.getRequestHeaders().getFirst(TOKEN_HEADER))) {
            status = 401;
        } else if (metadata.containsKey(path)) {
            status = 200;
            body = metadata.get(path);
        } else {
            status = 404;
        }
        requests.add(method + " " + path + " " + status);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
