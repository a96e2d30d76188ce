package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.render.TestDescriptors;
import io.tierlift.render.engine.FreemarkerEngine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the rendered {@code tierlift_lambda.py} with a real CPython, playing Lambda's part: one
 * process is one execution environment (one cold start), fed a list of events. The app behind it
 * is a plain WSGI probe that reflects what it was given, and {@code boto3} is a stand-in that
 * serves secrets from an environment variable and logs each read, so nothing leaves the machine.
 */
final class AdapterHarness {
    static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A WSGI app that reflects the request, plus a few fixed answers for the response paths. */
    private static final String PROBE_APP = """
            import base64, json, os

            MARK = "probe-app-marker"
            with open(os.environ["PROBE_IMPORT_LOG"], "a") as log:
                log.write("imported\\n")
            # What the environment held when the adapter imported the app.
            AT_IMPORT = {name: os.environ.get(name) for name in ("DATABASE_URL", "PROBE_TOKEN")}


            def app(environ, start_response):
                path = environ["PATH_INFO"]
                if path == "/api/boom":
                    raise RuntimeError("boom")
                if path == "/api/binary":
                    start_response("200 OK", [("Content-Type", "image/png")])
                    return [b"\\x89PNG\\r\\n", b"\\x1a\\n\\x00\\xff"]
                if path == "/api/cookies":
                    start_response("204 No Content", [("Set-Cookie", "a=1; Path=/"), ("Vary", "Cookie"),
                                                      ("Set-Cookie", "b=2; HttpOnly"), ("vary", "Accept")])
                    return []
                if path == "/api/gzip":
                    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")])
                    return [b"\\x1f\\x8b\\x08\\x00"]
                body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
                seen = {k: v for k, v in environ.items() if isinstance(v, str)}
                seen["body_b64"] = base64.b64encode(body).decode("ascii")
                seen["env"] = {n: os.environ.get(n) for n in ("DATABASE_URL", "PROBE_TOKEN", "PROBE_PLAIN")}
                seen["at_import"] = AT_IMPORT
                start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
                return [json.dumps(seen).encode("utf-8")]


            def create_probe():
                with open(os.environ["PROBE_IMPORT_LOG"], "a") as log:
                    log.write("factory called\\n")
                return app
            """;

    /** Stand-in for the runtime's boto3: secrets come from FAKE_SECRETS (ARN or ARN@VERSION → JSON object or string). */
    private static final String FAKE_BOTO3 = """
            import json, os

            if os.environ.get("FAKE_BOTO3_FORBIDDEN"):
                raise ImportError("boto3 must not be imported here")
            _reads = []


            class _NotFound(Exception):
                response = {"Error": {"Code": "ResourceNotFoundException"}}


            def client(service):
                assert service == "secretsmanager", service
                return _Client()


            class _Client:
                def get_secret_value(self, SecretId, VersionStage=None):
                    # A stage is asked for as "ARN@STAGE", answered as Secrets Manager does when no version has
                    # it; a plain string is a secret that is not JSON, a list the values of successive reads.
                    key = SecretId if VersionStage is None else SecretId + "@" + VersionStage
                    _reads.append(key)
                    with open(os.environ["FAKE_SECRETS_LOG"], "a") as log:
                        log.write(key + "\\n")
                    secrets = json.loads(os.environ["FAKE_SECRETS"])
                    if key not in secrets and VersionStage is not None:
                        raise _NotFound()
                    value = secrets[key]
                    if isinstance(value, list):
                        value = value[min(_reads.count(key), len(value)) - 1]
                    if isinstance(value, str):
                        return {"SecretString": value}
                    value = dict(value)
                    if os.environ.get("FAKE_ROTATE") and "password" in value:
                        value["password"] += str(len(_reads))
                    return {"SecretString": json.dumps(value)}
            """;

    /** Plays the Lambda runtime: imports the handler once, then feeds it the events in order. */
    private static final String DRIVER = """
            import json, os, sys, traceback

            task_root, fake_path, events_file, out_file = sys.argv[1:5]
            sys.path.insert(0, fake_path)
            sys.path.insert(0, task_root)


            class Context:
                def __init__(self, remaining_ms):
                    self.remaining_ms = remaining_ms
                    self.aws_request_id = "test-request"

                def get_remaining_time_in_millis(self):
                    return self.remaining_ms


            result = {"importError": None, "results": []}
            try:
                import tierlift_lambda
                refresh = os.environ.get("DRIVER_ORIGIN_REFRESH_SECONDS")
                if refresh:
                    tierlift_lambda.ORIGIN_REFRESH_SECONDS = float(refresh)
            except Exception as exc:
                traceback.print_exc()
                result["importError"] = str(exc)
            else:
                with open(events_file) as f:
                    calls = json.load(f)
                for call in calls:
                    result["results"].append(tierlift_lambda.handler(call["event"], Context(call.get("remainingMs", 60000))))
            with open(out_file, "w") as f:
                json.dump(result, f)
            """;

    private final Path root;
    private final Path task;
    private final Path fake;
    private final Map<String, String> env = new HashMap<>();

    AdapterHarness(Path root, String releaseCommand) throws IOException {
        this(root, releaseCommand, "probe_app:app");
    }

    /** {@code wsgi} as backend.wsgi writes it: "probe_app:app", or the factory "probe_app:create_probe()". */
    AdapterHarness(Path root, String releaseCommand, String wsgi) throws IOException {
        this.root = root;
        this.task = Files.createDirectories(root.resolve("task"));
        this.fake = Files.createDirectories(root.resolve("runtime"));
        String yaml = "app: probe\n"
                + "backend: { wsgi: \"" + wsgi + "\"" + (releaseCommand == null ? "" : ", release_command: '" + releaseCommand.replace("'", "''") + "'") + " }\n"
                + "database: { name: probe, user: probe, password: \"${env:PROBE_DB_PASSWORD}\" }\n"
                + "targets: { aws-serverless: { region: eu-west-1 } }\n";
        AppDescriptor app = TestDescriptors.fromText(yaml);
        Files.writeString(task.resolve(LambdaAdapter.FILE), new LambdaAdapter(new FreemarkerEngine()).render(app));
        Files.writeString(task.resolve("probe_app.py"), PROBE_APP);
        Files.createDirectories(fake.resolve("boto3"));
        Files.writeString(fake.resolve("boto3/__init__.py"), FAKE_BOTO3);
        Files.writeString(root.resolve("driver.py"), DRIVER);
        env.put("PROBE_IMPORT_LOG", root.resolve("imports.log").toString());
        env.put("FAKE_SECRETS_LOG", root.resolve("secrets.log").toString());
        env.put("FAKE_SECRETS", "{}");
    }

    AdapterHarness env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Overrides the adapter's origin secret refresh interval, as if that much time had passed. */
    AdapterHarness originRefreshSeconds(String seconds) {
        return env("DRIVER_ORIGIN_REFRESH_SECONDS", seconds);
    }

    Path taskRoot() {
        return task;
    }

    /** The outcome of one cold start and its invocations. */
    record Run(JsonNode importError, List<JsonNode> results, String stderr) {
        JsonNode result(int i) {
            assertThat(importError.isNull()).as("cold start failed: %s\n%s", importError, stderr).isTrue();
            return results.get(i);
        }

        /** The probe's reflection of the request in response i. */
        JsonNode seen(int i) {
            JsonNode response = result(i);
            assertThat(response.path("statusCode").asInt()).as("response %s\n%s", response, stderr).isEqualTo(200);
            return parse(response.path("body").asText());
        }
    }

    /** Runs the events in one process (one cold start); each is an HTTP API event or a direct invocation. */
    Run invoke(List<ObjectNode> events) throws IOException, InterruptedException {
        return invoke(events, 60_000);
    }

    Run invoke(List<ObjectNode> events, int remainingMs) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is needed to run the Lambda adapter; install the Debian package python3");
        }
        ArrayNode calls = MAPPER.createArrayNode();
        events.forEach(e -> calls.addObject().put("remainingMs", remainingMs).set("event", e));
        Path eventsFile = root.resolve("events.json");
        Path outFile = root.resolve("out.json");
        Files.deleteIfExists(outFile);
        Files.writeString(eventsFile, calls.toString());
        // -S: no site-packages, so only the standard library and what the package holds can be imported.
        List<String> argv = new ArrayList<>(List.of(PYTHON, "-S", root.resolve("driver.py").toString(), task.toString(),
                fake.toString(), eventsFile.toString(), outFile.toString()));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(false)
                .redirectOutput(root.resolve("stdout.txt").toFile()).redirectError(root.resolve("stderr.txt").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("TIERLIFT_") || k.startsWith("DATABASE_") || k.startsWith("PYTHON"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the adapter did not finish within 2 minutes");
        }
        String stderr = Files.readString(root.resolve("stderr.txt"));
        assertThat(Files.exists(outFile)).as("driver wrote no result (exit %s):\n%s", process.exitValue(), stderr).isTrue();
        JsonNode out = parse(Files.readString(outFile));
        List<JsonNode> results = new ArrayList<>();
        out.path("results").forEach(results::add);
        return new Run(out.path("importError"), results, stderr);
    }

    List<String> secretReads() throws IOException {
        Path log = root.resolve("secrets.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    int imports() throws IOException {
        Path log = root.resolve("imports.log");
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static ObjectNode json(String text) {
        return (ObjectNode) parse(text);
    }

    /** An HTTP API (payload 2.0) event as API Gateway sends it for a request through CloudFront. */
    static ObjectNode httpEvent(String method, String rawPath, String rawQuery) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "ANY /api/{proxy+}");
        event.put("rawPath", rawPath);
        event.put("rawQueryString", rawQuery);
        ObjectNode headers = event.putObject("headers");
        headers.put("host", "abc123.execute-api.eu-west-1.amazonaws.com");
        headers.put("x-forwarded-proto", "https");
        headers.put("x-forwarded-port", "443");
        headers.put("user-agent", "Amazon CloudFront");
        ObjectNode context = event.putObject("requestContext");
        context.put("domainName", "abc123.execute-api.eu-west-1.amazonaws.com");
        context.put("stage", "$default");
        context.put("requestId", "req-1");
        ObjectNode http = context.putObject("http");
        http.put("method", method);
        http.put("path", rawPath);
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "203.0.113.9");
        http.put("userAgent", "Amazon CloudFront");
        event.put("isBase64Encoded", false);
        return event;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
