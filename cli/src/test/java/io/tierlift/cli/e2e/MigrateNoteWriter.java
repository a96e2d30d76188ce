package io.tierlift.cli.e2e;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client writing notes through the edge without pause, as the app's users would during a
 * migration: every body it sent and got 201 for is an acknowledged write; every other answer is
 * counted by status (503 is the maintenance page). Each note body is unique, so the target can be
 * searched for each of them.
 */
final class MigrateNoteWriter implements AutoCloseable {
    private final List<String> acknowledged = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean maintenancePageSeen = new AtomicBoolean();
    private final Thread worker;

    MigrateNoteWriter(String notesUrl, String prefix) throws Exception {
        // The sandbox edge has a self-signed certificate for the site's name, dialled by address: accept it
        // (an X509ExtendedTrustManager also skips the name check); this client only talks to the sandbox.
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[]{new X509ExtendedTrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        HttpClient client = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        worker = new Thread(() -> {
            long n = 0;
            while (running.get()) {
                String body = prefix + "-" + (n++);
                HttpRequest request = HttpRequest.newBuilder(URI.create(notesUrl)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"" + body + "\"}")).build();
                String outcome;
                try {
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    outcome = Integer.toString(response.statusCode());
                    if (response.statusCode() == 201) {
                        acknowledged.add(body);
                    } else if (response.statusCode() == 503 && response.body().toLowerCase().contains("maintenance")) {
                        maintenancePageSeen.set(true);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    outcome = e.getClass().getSimpleName();
                }
                outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
                // About 12 writes a second: under the edge's default rate limit (20/s), which would answer 429.
                sleep(80);
            }
        }, "migrate-writer");
        worker.setDaemon(true);
        worker.start();
    }

    List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    boolean sawMaintenancePage() {
        return maintenancePageSeen.get();
    }

    Map<String, Long> outcomes() {
        Map<String, Long> copy = new TreeMap<>();
        outcomes.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        worker.join(15000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
