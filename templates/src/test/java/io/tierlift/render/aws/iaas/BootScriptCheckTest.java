package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The instances' boot script and the files it writes, checked by the programs that will read
 * them: bash parses the script, Gunicorn loads its config, Python compiles the start script,
 * systemd-analyze reads the unit. The start script also runs for real, against a stand-in
 * {@code aws} command and a stand-in Gunicorn, to show how it builds the app's environment.
 */
@Tag("real")
class BootScriptCheckTest {
    private static final Pattern HEREDOC = Pattern.compile("(?m)^cat > '([^']+)' <<'?TIERLIFT_EOF'?\\n(.*?)^TIERLIFT_EOF$",
            Pattern.DOTALL);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void bashParsesTheScriptAndEveryPlacedFileIsValid(IaasCases variation) throws Exception {
        AppDescriptor app = variation.descriptor();
        String script = new RenderedStacks(variation.render()).text("user-data.sh");
        Path scriptFile = dir.resolve("user-data.sh");
        Files.writeString(scriptFile, script);
        run(dir, List.of("bash", "-n", scriptFile.toString()), Map.of()).assertSucceeded("bash -n");

        Map<String, String> placed = placedFiles(script);
        String name = app.app();
        assertThat(placed).containsOnlyKeys("/etc/" + name + "/gunicorn.conf.py", "/usr/local/libexec/" + name + "-start",
                "/etc/" + name + "/app-env.json", "/etc/" + name + "/boot.env", "/etc/systemd/system/" + name + ".service",
                "/etc/" + name + "/cloudwatch-agent.json");
        RenderedStacks.parse(placed.get("/etc/" + name + "/app-env.json"));
        RenderedStacks.parse(placed.get("/etc/" + name + "/cloudwatch-agent.json"));

        // Gunicorn checks that chdir exists when it reads the file: point the instance's release folder at the
        // folder holding the stub app; every other line is checked as rendered.
        String rendered = placed.get("/etc/" + name + "/gunicorn.conf.py");
        assertThat(rendered).contains("chdir = \"/srv/" + name + "/current\"");
        Path config = write("gunicorn.conf.py", rendered.replace("chdir = \"/srv/" + name + "/current\"", "chdir = \"" + dir + "\""));
        stubWsgiApp(app.backend().wsgi());
        run(dir, List.of("/usr/bin/gunicorn", "--check-config", "--config", config.toString()), Map.of())
                .assertSucceeded("gunicorn --check-config");

        Path launcher = write("start.py", placed.get("/usr/local/libexec/" + name + "-start"));
        run(dir, List.of("/usr/bin/python3", "-m", "py_compile", launcher.toString()), Map.of()).assertSucceeded("py_compile");

        Path unit = write(name + ".service", placed.get("/etc/systemd/system/" + name + ".service"));
        Result verify = run(dir, List.of("systemd-analyze", "verify", unit.toString()), Map.of());
        verify.assertSucceeded("systemd-analyze verify");
        assertThat(verify.output().lines().filter(line -> line.contains(name + ".service")).toList())
                .as("systemd-analyze complaints about the unit").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void everyPlacedFileLandsInAFolderTheScriptMakesOrSystemdHas(IaasCases variation) {
        String script = new RenderedStacks(variation.render()).text("user-data.sh");
        Matcher makes = Pattern.compile("(?m)^install -d (?:-m \\S+ )?(?:-o \\S+ )?(?:-g \\S+ )?(.*)$").matcher(script);
        // The one folder every systemd machine has; the script makes the others itself.
        List<String> systemFolders = List.of("/etc/systemd/system");
        Map<String, Integer> madeAt = new LinkedHashMap<>();
        while (makes.find()) {
            for (String folder : makes.group(1).split(" ")) {
                madeAt.putIfAbsent(folder.replace("'", ""), makes.start());
            }
        }
        Matcher placed = HEREDOC.matcher(script);
        while (placed.find()) {
            String folder = Path.of(placed.group(1)).getParent().toString();
            assertThat(systemFolders.contains(folder) || madeAt.getOrDefault(folder, Integer.MAX_VALUE) < placed.start())
                    .as("%s is written before the script makes %s (made: %s)", placed.group(1), folder, madeAt.keySet())
                    .isTrue();
        }
    }

    /**
     * The script up to its package install, run for real with stand-ins: curl answers as the instance
     * metadata service does with IMDSv2 (a token from PUT, then only requests carrying it), aws records
     * its arguments, and dnf fails. The ERR trap must tell CloudFormation FAILURE for this instance.
     */
    @Test
    void aFailedBootSignalsFailureForTheInstanceIdThatImdsV2Gives() throws Exception {
        String script = new RenderedStacks(IaasCases.EXAMPLE.render()).text("user-data.sh")
                .replace("'${AWS::Region}'", "'eu-west-1'").replace("'${AWS::StackName}'", "'notes-default-iaas-compute'");
        String logLine = "exec >>/var/log/tierlift-boot.log 2>&1\n";
        assertThat(script).contains(logLine);
        Path log = dir.resolve("boot.log");
        Path scriptFile = write("user-data.sh", script.replace(logLine, "exec >>'" + log + "' 2>&1\n"));
        // Only the stand-ins are on PATH: nothing past the failed dnf may run on this machine.
        Path bin = Files.createDirectories(dir.resolve("imds-bin"));
        Path calls = dir.resolve("aws-calls");
        executable(bin.resolve("curl"), """
                #!/bin/bash
                args="$*"
                case "$args" in
                  "-fsS -X PUT -H X-aws-ec2-metadata-token-ttl-seconds: 300 http://169.254.169.254/latest/api/token")
                    echo -n session-token-1 ;;
                  "-fsS -H X-aws-ec2-metadata-token: session-token-1 http://169.254.169.254/latest/meta-data/instance-id")
                    echo -n i-0123456789abcdef0 ;;
                  *) echo "curl stand-in: 401 for $args" >&2; exit 22 ;;
                esac
                """);
        executable(bin.resolve("aws"), "#!/bin/bash\necho \"$*\" >> '" + calls + "'\n");
        executable(bin.resolve("dnf"), "#!/bin/bash\necho 'dnf stand-in: no such package' >&2\nexit 1\n");

        Result result = run(dir, List.of("/bin/bash", scriptFile.toString()), Map.of("PATH", bin.toString()));

        assertThat(result.status()).as(Files.readString(log)).isNotZero();
        assertThat(Files.readString(log)).contains("dnf stand-in: no such package");
        assertThat(Files.readAllLines(calls)).containsExactly("cloudformation signal-resource --region eu-west-1"
                + " --stack-name notes-default-iaas-compute --logical-resource-id AppAutoScalingGroup"
                + " --unique-id i-0123456789abcdef0 --status FAILURE");
    }

    @Test
    void startScriptBuildsTheEnvironmentFromSecretsManagerWithoutWritingSecrets() throws Exception {
        Map<String, String> placed = placedFiles(new RenderedStacks(IaasCases.EXAMPLE.render()).text("user-data.sh"));
        Path fakeBin = fakeAwsCli();
        Path fakeGunicorn = executable(dir.resolve("gunicorn"), """
                #!/usr/bin/python3
                import json, os, sys
                print(json.dumps({"argv": sys.argv[1:], "env": dict(os.environ)}))
                """);
        Path appEnv = write("app-env.json", placed.get("/etc/notes/app-env.json"));
        // The release command (python -m notes.migrate) finds the venv's python first on its PATH: a stand-in
        // that says where it ran and with which database, on stderr (the stand-in Gunicorn answers on stdout).
        Path venvBin = Files.createDirectories(dir.resolve("venv-bin"));
        executable(venvBin.resolve("python"), """
                #!/bin/sh
                echo "release command: python $* in $(pwd) for $DATABASE_URL" >&2
                """);
        Path release = Files.createDirectories(dir.resolve("release"));
        String launcher = placed.get("/usr/local/libexec/notes-start")
                .replace("GUNICORN = \"/srv/notes/venv/bin/gunicorn\"", "GUNICORN = \"" + fakeGunicorn + "\"")
                .replace("APP_ENV_FILE = \"/etc/notes/app-env.json\"", "APP_ENV_FILE = \"" + appEnv + "\"")
                .replace("VENV_BIN = \"/srv/notes/venv/bin\"", "VENV_BIN = \"" + venvBin + "\"")
                .replace("RELEASE_DIR = \"/srv/notes/current\"", "RELEASE_DIR = \"" + release + "\"");
        assertThat(launcher).contains("RELEASE_COMMAND = \"python -m notes.migrate\"").contains(venvBin.toString())
                .contains(release.toString());
        Path start = write("start.py", launcher);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", fakeBin + ":/usr/bin:/bin");
        env.put("TIERLIFT_REGION", "eu-west-1");
        env.put("TIERLIFT_DB_HOST", "db.example.internal");
        env.put("TIERLIFT_DB_SECRET_ARN", "arn:db");
        env.put("TIERLIFT_APP_SECRET_ARN", "arn:app");
        List<String> filesBefore = filesIn(dir);
        Result result = run(dir, List.of("/usr/bin/python3", start.toString()), env);
        result.assertSucceeded("start script");
        JsonNode seen = RenderedStacks.parse(result.stdout());
        assertThat(seen.path("argv").toString()).isEqualTo("[\"--config\",\"/etc/notes/gunicorn.conf.py\"]");
        JsonNode appEnvironment = seen.path("env");
        String url = "postgresql://notes:p%40ss%3Aw%2Frd%3F%26@db.example.internal:5432/notes?sslmode=require";
        assertThat(appEnvironment.path("DATABASE_URL").asText()).isEqualTo(url);
        assertThat(appEnvironment.path("DATABASE_READ_URL").asText()).isEqualTo(url);
        assertThat(appEnvironment.path("NOTES_API_TOKEN").asText()).isEqualTo("token-123");
        assertThat(appEnvironment.path("NOTES_PAGE_SIZE").asText()).isEqualTo("50");
        assertThat(appEnvironment.has("UNDECLARED")).as("only declared secret names are taken").isFalse();
        assertThat(result.output()).as("the release command ran first, in the release, with the app's database")
                .contains("release command: python -m notes.migrate in " + release + " for " + url);
        assertThat(filesIn(dir)).as("files after the start script ran: it writes none")
                .isEqualTo(filesBefore);
    }

    @Test
    void aFailingReleaseCommandKeepsTheInstanceFromServing() throws Exception {
        Map<String, String> placed = placedFiles(new RenderedStacks(IaasCases.EXAMPLE.render()).text("user-data.sh"));
        Path fakeBin = fakeAwsCli();
        Path venvBin = Files.createDirectories(dir.resolve("venv-bin"));
        executable(venvBin.resolve("python"), "#!/bin/sh\necho 'migration 002 failed' >&2\nexit 4\n");
        Path served = dir.resolve("served");
        Path fakeGunicorn = executable(dir.resolve("gunicorn"), "#!/bin/sh\ntouch '" + served + "'\n");
        Path appEnv = write("app-env.json", placed.get("/etc/notes/app-env.json"));
        Path start = write("start.py", placed.get("/usr/local/libexec/notes-start")
                .replace("GUNICORN = \"/srv/notes/venv/bin/gunicorn\"", "GUNICORN = \"" + fakeGunicorn + "\"")
                .replace("APP_ENV_FILE = \"/etc/notes/app-env.json\"", "APP_ENV_FILE = \"" + appEnv + "\"")
                .replace("VENV_BIN = \"/srv/notes/venv/bin\"", "VENV_BIN = \"" + venvBin + "\"")
                .replace("RELEASE_DIR = \"/srv/notes/current\"", "RELEASE_DIR = \"" + dir + "\""));

        Result result = run(dir, List.of("/usr/bin/python3", start.toString()), Map.of("PATH", fakeBin + ":/usr/bin:/bin",
                "TIERLIFT_REGION", "eu-west-1", "TIERLIFT_DB_HOST", "h", "TIERLIFT_DB_SECRET_ARN", "arn:db",
                "TIERLIFT_APP_SECRET_ARN", "arn:app"));

        assertThat(result.status()).isNotZero();
        assertThat(result.output()).contains("migration 002 failed").contains("the release command failed (exit 4)");
        assertThat(served).as("Gunicorn never started").doesNotExist();
    }

    @Test
    void startScriptRefusesToStartWhenADeclaredSecretIsMissing() throws Exception {
        Map<String, String> placed = placedFiles(new RenderedStacks(IaasCases.EXAMPLE.render()).text("user-data.sh"));
        Path fakeBin = Files.createDirectories(dir.resolve("bin"));
        executable(fakeBin.resolve("aws"), "#!/bin/sh\necho '{}'\n");
        Path appEnv = write("app-env.json", placed.get("/etc/notes/app-env.json"));
        Path start = write("start.py", placed.get("/usr/local/libexec/notes-start")
                .replace("APP_ENV_FILE = \"/etc/notes/app-env.json\"", "APP_ENV_FILE = \"" + appEnv + "\""));
        Result result = run(dir, List.of("/usr/bin/python3", start.toString()), Map.of("PATH", fakeBin + ":/usr/bin:/bin",
                "TIERLIFT_REGION", "eu-west-1", "TIERLIFT_DB_HOST", "h", "TIERLIFT_DB_SECRET_ARN", "arn:db",
                "TIERLIFT_APP_SECRET_ARN", "arn:app"));
        assertThat(result.status()).isNotZero();
        assertThat(result.output()).contains("the app secret lacks NOTES_API_TOKEN");
    }

    /** A folder holding a stand-in for the AWS CLI that answers get-secret-value for the two known ARNs only. */
    private Path fakeAwsCli() throws IOException {
        Path fakeBin = Files.createDirectories(dir.resolve("bin"));
        executable(fakeBin.resolve("aws"), """
                #!/bin/sh
                for arg in "$@"; do
                  case "$arg" in
                    arn:db) echo '{"username": "notes", "password": "p@ss:w/rd?&"}'; exit 0 ;;
                    arn:app) echo '{"NOTES_API_TOKEN": "token-123", "UNDECLARED": "ignored"}'; exit 0 ;;
                  esac
                done
                echo "unexpected call: $*" >&2
                exit 3
                """);
        return fakeBin;
    }

    /** Files under a folder, leaving out the captured output of the programs this test runs. */
    private static List<String> filesIn(Path folder) throws IOException {
        try (var walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).map(Path::toString)
                    .filter(name -> !name.endsWith(".stdout") && !name.endsWith(".stderr")).sorted().toList();
        }
    }

    /** Files the script writes with here-documents, by absolute path on the instance. */
    private static Map<String, String> placedFiles(String script) {
        Map<String, String> files = new LinkedHashMap<>();
        Matcher m = HEREDOC.matcher(script);
        while (m.find()) {
            files.put(m.group(1), m.group(2));
        }
        return files;
    }

    /** A module with a trivial WSGI callable at the descriptor's entry point, so Gunicorn can load it. */
    private void stubWsgiApp(String wsgi) throws IOException {
        String[] parts = wsgi.split(":");
        String[] modules = parts[0].split("\\.");
        Path pkg = dir;
        for (int i = 0; i < modules.length - 1; i++) {
            pkg = Files.createDirectories(pkg.resolve(modules[i]));
            Files.writeString(pkg.resolve("__init__.py"), "");
        }
        Files.writeString(pkg.resolve(modules[modules.length - 1] + ".py"),
                "def " + parts[1] + "(environ, start_response):\n    start_response(\"200 OK\", [])\n    return [b\"ok\"]\n");
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static Path executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    record Result(int status, String stdout, String output) {
        void assertSucceeded(String what) {
            assertThat(status).as("%s failed:\n%s", what, output).isZero();
        }
    }

    /** Runs a program; {@code env}, when not empty, replaces the inherited environment. */
    private Result run(Path workDir, List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(dir, "run", ".stdout");
        Path stderr = Files.createTempFile(dir, "run", ".stderr");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(workDir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        if (!env.isEmpty()) {
            builder.environment().clear();
            builder.environment().putAll(env);
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail(command.get(0) + " is needed for this test and could not be started (" + e.getMessage()
                    + "); on Debian: apt-get install bash gunicorn python3 systemd");
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return fail(command + " did not finish within 2 minutes");
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        return new Result(process.exitValue(), out, out + err);
    }
}
