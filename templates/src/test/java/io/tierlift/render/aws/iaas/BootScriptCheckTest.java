package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

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
 * systemd-analyze reads the unit. The start script runs for real against PostgreSQL in the aws
 * provider's StartScriptAppRoleRealTest; here it meets only a stand-in {@code aws} command.
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

        // systemd-analyze wants ExecStart's program to exist: the virtualenv's Python (which has the app's driver)
        // exists only on an instance, so this machine's stands in for it.
        String renderedUnit = placed.get("/etc/systemd/system/" + name + ".service");
        assertThat(renderedUnit).contains("ExecStart=\"/srv/" + name + "/venv/bin/python\" ");
        Path unit = write(name + ".service", renderedUnit.replace("/srv/" + name + "/venv/bin/python", "/usr/bin/python3"));
        Result verify = run(dir, List.of("systemd-analyze", "verify", unit.toString()), Map.of());
        verify.assertSucceeded("systemd-analyze verify");
        assertThat(verify.output().lines().filter(line -> line.contains(name + ".service")).toList())
                .as("systemd-analyze complaints about the unit").isEmpty();
    }

    /**
     * The user data as the launch template holds it: bash parses it, and its packed body unpacks with
     * the base64 and gunzip every supported image has (coreutils, gzip) into exactly the reviewed body.
     */
    @ParameterizedTest
    @EnumSource(IaasCases.class)
    void theLaunchTemplatesUserDataParsesAndItsBodyUnpacksWithBase64AndGunzipToTheReviewedOne(IaasCases variation)
            throws Exception {
        RenderedStacks stacks = new RenderedStacks(variation.render());
        var parts = stacks.resource("compute", "LaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("UserData").path("Fn::Base64").path("Fn::Join").get(1);
        String header = parts.get(0).path("Fn::Sub").asText();
        String packed = parts.get(1).asText();
        Path userData = write("user-data", header + packed);
        run(dir, List.of("bash", "-n", userData.toString()), Map.of()).assertSucceeded("bash -n");

        Matcher payload = Pattern.compile("(?ms)^base64 -d <<'TIERLIFT_BODY' \\| gunzip > (/run/\\S+)\\n(.*?)^TIERLIFT_BODY\\n"
                + "\\. (/run/\\S+)\\n\\z").matcher(packed);
        assertThat(payload.find()).as(packed).isTrue();
        assertThat(payload.group(3)).as("the file run is the file unpacked").isEqualTo(payload.group(1));
        assertThat(packed).contains("set -euo pipefail\ninstall -m 0600 /dev/null " + payload.group(1) + "\n");
        write("body.b64", payload.group(2));
        Result unpacked = run(dir, List.of("bash", "-c", "set -o pipefail; base64 -d < body.b64 | gunzip"), Map.of());
        unpacked.assertSucceeded("base64 -d | gunzip");
        assertThat(header + unpacked.stdout()).isEqualTo(stacks.text("user-data.sh"));
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

    /**
     * The compute stack's ReleaseCommandAtBoot (true unless a migration provisions the stacks) reaches
     * the start script's environment: CloudFormation puts it into the header, bash writes it into boot.env.
     */
    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void theComputeStacksReleaseCommandSwitchReachesTheStartScriptsBootEnvironment(String value) throws Exception {
        RenderedStacks stacks = new RenderedStacks(IaasCases.EXAMPLE.render());
        JsonNode parameter = stacks.template("compute").path("Parameters").path("ReleaseCommandAtBoot");
        assertThat(parameter.path("Default").asText()).as("a deploy runs the release command").isEqualTo("true");
        assertThat(parameter.path("AllowedPattern").asText()).isEqualTo("^(true|false)$");
        String header = stacks.resource("compute", "LaunchTemplate").path("Properties").path("LaunchTemplateData")
                .path("UserData").path("Fn::Base64").path("Fn::Join").get(1).get(0).path("Fn::Sub").asText();
        assertThat(header).contains("TIERLIFT_RELEASE_COMMAND_AT_BOOT='${ReleaseCommandAtBoot}'\n");
        String filledIn = header.replace("${ReleaseCommandAtBoot}", value).replaceAll("\\$\\{[^}]*}", "x");

        Matcher bootEnv = HEREDOC.matcher(stacks.text("user-data.sh"));
        String block = null;
        while (bootEnv.find()) {
            if (bootEnv.group(1).equals("/etc/notes/boot.env")) {
                block = bootEnv.group();
            }
        }
        assertThat(block).as("the boot script writes boot.env").isNotNull();
        Path written = dir.resolve("boot.env");
        Path script = write("boot-env.sh", filledIn + block.replace("'/etc/notes/boot.env'", "'" + written + "'") + "\n");
        run(dir, List.of("bash", script.toString()), Map.of()).assertSucceeded("bash");
        assertThat(Files.readAllLines(written)).contains("TIERLIFT_RELEASE_COMMAND_AT_BOOT=" + value);
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
