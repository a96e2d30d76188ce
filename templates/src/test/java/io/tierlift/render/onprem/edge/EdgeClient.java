package io.tierlift.render.onprem.edge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * curl inside a test's network namespace, with the site's name resolving to the client-facing
 * address, optionally from a client address of its own.
 */
final class EdgeClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern APP_SERVER = Pattern.compile("\"server\": \"([0-9.]+)\"");

    record Reply(int status, Map<String, String> headers, String head, String body) {
        String header(String name) {
            return headers.get(name);
        }

        /** How often a header appears: a header added at two hops would appear twice. */
        long headerCount(String name) {
            return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name + ":")).count();
        }

        /** Which app host answered (the stand-in app reports its own address). */
        String appServer() {
            Matcher matcher = APP_SERVER.matcher(body);
            assertThat(matcher.find()).as("app reply %s", body).isTrue();
            return matcher.group(1);
        }
    }

    private final EdgeSandbox sandbox;
    private final List<String> resolveAndSource;
    private final Supplier<String> diagnostics;

    EdgeClient(EdgeSandbox sandbox, String domain, String edgeAddress, int httpPort, int httpsPort,
               String sourceAddress, Supplier<String> diagnostics) {
        this.sandbox = sandbox;
        this.diagnostics = diagnostics;
        List<String> args = new ArrayList<>(List.of("--resolve", domain + ":" + httpsPort + ":" + edgeAddress,
                "--resolve", domain + ":" + httpPort + ":" + edgeAddress));
        if (sourceAddress != null) {
            args.addAll(List.of("--interface", sourceAddress));
        }
        this.resolveAndSource = List.copyOf(args);
    }

    Reply get(String url) {
        List<String> command = new ArrayList<>(List.of("curl", "-sk", "--globoff", "-i"));
        command.addAll(resolveAndSource);
        command.add(url);
        Processes.Result result = sandbox.run(sandbox.inNetns(command), REQUEST_TIMEOUT);
        if (result.exitCode() != 0) {
            fail("curl %s exited with %d: %s%n%s", url, result.exitCode(), result.output(), diagnostics.get());
        }
        return parse(result.output());
    }

    /** POSTs a JSON body read from a file (so any text reaches curl unchanged), with the given User-Agent. */
    Reply postJson(String url, java.nio.file.Path body, String userAgent) {
        List<String> command = new ArrayList<>(List.of("curl", "-sk", "--globoff", "-i", "-H", "Content-Type: application/json",
                "-A", userAgent, "--data-binary", "@" + body));
        command.addAll(resolveAndSource);
        command.add(url);
        Processes.Result result = sandbox.run(sandbox.inNetns(command), REQUEST_TIMEOUT);
        if (result.exitCode() != 0) {
            fail("curl POST %s exited with %d: %s%n%s", url, result.exitCode(), result.output(), diagnostics.get());
        }
        return parse(result.output());
    }

    /** Many requests at once; returns the status codes. */
    List<String> getAtOnce(List<String> urls) {
        List<String> command = new ArrayList<>(List.of("curl", "-sk", "--globoff", "--parallel", "--parallel-immediate",
                "--parallel-max", Integer.toString(urls.size()), "-w", "%{http_code}\\n"));
        command.addAll(resolveAndSource);
        for (String url : urls) {
            command.addAll(List.of("-o", "/dev/null", url));
        }
        Processes.Result result = sandbox.run(sandbox.inNetns(command), REQUEST_TIMEOUT);
        assertThat(result.exitCode()).as("curl --parallel: %s", result.output()).isZero();
        return result.output().lines().toList();
    }

    /** Waits until the site answers at all. */
    void await(String url) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> command = new ArrayList<>(List.of("curl", "-sk", "-o", "/dev/null"));
            command.addAll(resolveAndSource);
            command.add(url);
            if (sandbox.run(sandbox.inNetns(command), REQUEST_TIMEOUT).exitCode() == 0) {
                return;
            }
            Thread.sleep(100);
        }
        fail("%s did not answer within 20 s:%n%s", url, diagnostics.get());
    }

    private static Reply parse(String raw) {
        int split = raw.indexOf("\r\n\r\n");
        String head = split < 0 ? raw : raw.substring(0, split);
        String body = split < 0 ? "" : raw.substring(split + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        return new Reply(status, headers, head, body);
    }
}
