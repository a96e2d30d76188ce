package io.tierlift.render.aws.iaas;

import io.tierlift.render.onprem.app.GunicornConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Backend;
import io.tierlift.model.EnvValue;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.engine.TemplateEngine;

import io.tierlift.release.ReleaseException;
import io.tierlift.release.RequirementsFile;
import io.tierlift.release.ServerRequirement;

import io.tierlift.tier.TierFailure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The boot script of the app instances. It has two parts:
 * <ul>
 * <li>a header of shell assignments that CloudFormation fills in with {@code Fn::Sub} (region,
 * stack, artifact bucket, release key, database host and secret ARNs), and</li>
 * <li>the body, rendered from {@code user-data.txt.ftl}, which CloudFormation leaves alone: it
 * installs Python, fetches the release, builds a virtualenv, writes the Gunicorn config, the
 * start script and the systemd unit, starts the service and signals CloudFormation once the
 * health check answers.</li>
 * </ul>
 * Keeping {@code Fn::Sub} to the header means the body may use {@code ${...}} freely.
 *
 * <p>EC2 takes at most 16 KB of user data, and the body grows with the app (its variables, its
 * release command), so the launch template carries the body gzip-compressed and base64-encoded
 * after the header: the header's shell unpacks it into a file only root can read and runs it in
 * the same shell, so the header's variables stay visible. cloud-init could take gzip-compressed
 * user data itself, but only as a whole, and the header is only known once CloudFormation has
 * filled it in. Everything that reviews the script (the rendered {@code user-data.sh}) sees the
 * plain body.
 *
 * <p>Secrets never appear here: the start script reads the database passwords (the master's for
 * the release step, the app role's for the app) and the app's secret variables from Secrets
 * Manager each time the service starts, and passes them to Gunicorn in its environment only.
 */
public final class UserData {
    /** EC2 refuses user data above 16 KB (before base64). */
    static final int LIMIT_BYTES = 16 * 1024;
    /**
     * What a value CloudFormation substitutes into the header may add at most: stack and bucket
     * names, a database host and secret ARNs stay well under it.
     */
    static final int SUBSTITUTION_ALLOWANCE = 256;
    static final String HEREDOC_END = "TIERLIFT_EOF";
    static final String BODY_END = "TIERLIFT_BODY";
    /** Where the header unpacks the body: /run is emptied at every boot. */
    static final String UNPACKED_BODY = "/run/tierlift-boot.sh";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TemplateEngine engine;
    private final CfnJson json;

    public UserData(TemplateEngine engine, CfnJson json) {
        this.engine = engine;
        this.json = json;
    }

    /** Where things live on an instance; all derived from the app name. */
    record Layout(String app) {
        String home() {
            return "/srv/" + app;
        }

        String releaseDir() {
            return home() + "/current";
        }

        String venv() {
            return home() + "/venv";
        }

        String configDir() {
            return "/etc/" + app;
        }

        String logDir() {
            return "/var/log/" + app;
        }

        /** Amazon Linux ships this folder, Debian does not: the boot script makes it. */
        String launcherDir() {
            return "/usr/local/libexec";
        }

        String launcher() {
            return launcherDir() + "/" + app + "-start";
        }

        /** Not secret: the region, database host and secret ARNs the start script reads from its environment. */
        String bootEnvFile() {
            return configDir() + "/boot.env";
        }
    }

    /** What the boot script needs beyond the descriptor: names the compute stack chose. */
    record Inputs(String autoScalingGroupLogicalId, String logGroupName, boolean hasAppSecret) {
    }

    /**
     * The rendered script: the {@code Fn::Sub} header, the literal body, the user data the launch
     * template holds (the header, then the body packed), and the header with the plain body as one
     * review file.
     */
    record Script(String header, String body) {
        JsonNode cloudFormationValue() {
            return Fn.base64(Fn.join("", List.of(Fn.sub(header), packedBody())));
        }

        String forReview() {
            return header + body;
        }

        /**
         * Unpacks and runs the body in the header's shell. The file is made root-only before the
         * body is written into it; a failed unpack stops the script (pipefail).
         */
        String packedBody() {
            return "# The rest of this script is gzip-compressed (EC2 takes at most 16 KB of user data): it is unpacked\n"
                    + "# into a file only root can read and run in this shell, which keeps the values above.\n"
                    + "set -euo pipefail\n"
                    + "install -m 0600 /dev/null " + UNPACKED_BODY + "\n"
                    + "base64 -d <<'" + BODY_END + "' | gunzip > " + UNPACKED_BODY + "\n"
                    + Base64.getMimeEncoder(76, new byte[]{'\n'}).encodeToString(gzip(body)) + "\n"
                    + BODY_END + "\n"
                    + ". " + UNPACKED_BODY + "\n";
        }

        /**
         * The bytes EC2 counts once CloudFormation has filled in the header: each substituted
         * value is counted at {@link #SUBSTITUTION_ALLOWANCE} bytes.
         */
        int userDataBytes() {
            Matcher reference = Pattern.compile("\\$\\{[^}]*}").matcher(header);
            int references = 0;
            while (reference.find()) {
                references++;
            }
            String literalHeader = header.replaceAll("\\$\\{[^}]*}", "");
            return utf8(literalHeader).length + references * SUBSTITUTION_ALLOWANCE + utf8(packedBody()).length;
        }
    }

    /**
     * Gzip as GZIPOutputStream writes it: no file name and a zero modification time in the header,
     * so the same body always packs to the same bytes and a plan shows no change to the launch
     * template when nothing changed.
     */
    static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            out.write(utf8(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    Script render(AppDescriptor app, Inputs inputs) {
        Layout layout = new Layout(app.app());
        Backend backend = app.backend();
        String header = header(app, inputs);
        String gunicornConfig = layout.configDir() + "/gunicorn.conf.py";
        String appEnvFile = layout.configDir() + "/app-env.json";
        String bootEnvFile = layout.bootEnvFile();
        String cloudwatchConfig = layout.configDir() + "/cloudwatch-agent.json";
        String logFile = layout.logDir() + "/gunicorn.log";
        String service = app.app() + ".service";

        // The on-prem template and view model: the same Gunicorn configuration on every tier. The instances'
        // security group admits only the load balancer, so every peer may set forwarded headers; logs go to
        // the unit's output, which the CloudWatch agent ships.
        GunicornConfig gunicorn = new GunicornConfig(app.app(), "0.0.0.0", backend.port(), backend.workers().isPresent(),
                backend.workers().orElse(0), seconds(backend.timeout()), seconds(backend.gracefulTimeout()), 5, "-", "-",
                "*", "*", "/run/" + app.app() + "/gunicorn.pid",
                "/run/" + app.app() + "/gunicorn.ctl", backend.wsgi(), layout.releaseDir(),
                appEnvFile);
        LauncherView launcher = new LauncherView(app.app(), layout.venv() + "/bin/gunicorn", gunicornConfig, appEnvFile,
                app.database().name(), String.valueOf(app.database().port()), backend.secretEnvNames(),
                backend.releaseCommand().orElse(""), layout.releaseDir(), layout.venv() + "/bin",
                AppDbSecret.role(app.database()), AppDbSecret.roleSql(app.database()));
        UnitView unit = new UnitView(app.app() + " API (Gunicorn)", app.app(), layout.releaseDir(), bootEnvFile,
                layout.venv() + "/bin/python", layout.launcher(), logFile, seconds(backend.gracefulTimeout()) + 5);
        String python = "/usr/bin/python" + backend.python();
        BootScriptView body = new BootScriptView(
                quote(inputs.autoScalingGroupLogicalId()),
                String.join(" ", pythonPackages(backend.python()), "amazon-cloudwatch-agent"),
                quote(app.app()), quote(layout.home()), quote(layout.configDir()), quote(layout.launcherDir()),
                quote(layout.logDir()),
                quote(layout.releaseDir()), quote(python), quote(layout.venv()), quote(layout.venv() + "/bin/pip"),
                String.join(" ", pipInstall(app, layout.releaseDir()).stream().map(UserData::quote).toList()),
                quote(gunicornConfig), lines(engine.render(GunicornConfig.TEMPLATE, gunicorn)),
                quote(layout.launcher()), lines(engine.render("aws/iaas/app-start.py.ftl", launcher)),
                quote(appEnvFile), lines(json.write(literalEnv(backend))),
                quote(bootEnvFile),
                quote("/etc/systemd/system/" + service), lines(engine.render("aws/iaas/app.service.unit.ftl", unit)),
                quote(service),
                quote(cloudwatchConfig), lines(json.write(cloudwatchAgent(layout, logFile, inputs.logGroupName()))),
                quote("http://127.0.0.1:" + backend.port() + backend.health()));
        Script script = new Script(header, engine.render("aws/iaas/user-data.txt.ftl", body));
        int size = script.userDataBytes();
        if (size > LIMIT_BYTES) {
            throw new TierFailure("backend: the instances' boot script comes to about " + size + " bytes of user data "
                    + "(compressed), and EC2 accepts at most " + LIMIT_BYTES + ". It carries the literal backend.env values and "
                    + "the release command: move large values into files of the backend, or make them secret references "
                    + "(the instances read those from Secrets Manager when the app starts), and keep a long release command "
                    + "in a script of the backend");
        }
        return script;
    }

    private static String header(AppDescriptor app, Inputs inputs) {
        // Values are single-quoted: none of them (ARNs, host and bucket names, a release key whose
        // pattern the template enforces) can contain a quote.
        return "#!/bin/bash\n"
                + "# Boot script of the " + app.app() + "-" + app.environment() + " app instances, rendered by tierlift.\n"
                + "# CloudFormation fills in this first block; the rest is used as written.\n"
                + "TIERLIFT_REGION='${AWS::Region}'\n"
                + "TIERLIFT_STACK='${AWS::StackName}'\n"
                + "TIERLIFT_ARTIFACT_BUCKET='${" + ComputeStack.ARTIFACT_BUCKET_PARAMETER + "}'\n"
                + "TIERLIFT_RELEASE_KEY='${" + ComputeStack.RELEASE_KEY_PARAMETER + "}'\n"
                + "TIERLIFT_DB_HOST='${" + ComputeStack.DB_HOST_PARAMETER + "}'\n"
                + "TIERLIFT_DB_SECRET_ARN='${" + ComputeStack.DB_SECRET_PARAMETER + "}'\n"
                + "TIERLIFT_APP_DB_SECRET_ARN='${" + ComputeStack.APP_DB_SECRET_PARAMETER + "}'\n"
                + "TIERLIFT_RELEASE_COMMAND_AT_BOOT='${" + ComputeStack.RELEASE_COMMAND_AT_BOOT_PARAMETER + "}'\n"
                + (inputs.hasAppSecret()
                ? "TIERLIFT_APP_SECRET_ARN='${" + ComputeStack.APP_SECRET_PARAMETER + "}'\n"
                : "TIERLIFT_APP_SECRET_ARN=''\n");
    }

    /** Amazon Linux 2023 ships 3.9 as "python3" and newer versions as "python3.N". */
    private static String pythonPackages(String version) {
        String name = version.equals("3.9") ? "python3" : "python" + version;
        return name + " " + name + "-pip";
    }

    /** Literal (non-secret) variables of the app, sorted, as the start script reads them. */
    private static ObjectNode literalEnv(Backend backend) {
        ObjectNode env = JSON.objectNode();
        new TreeMap<>(backend.env()).forEach((name, value) -> {
            if (value instanceof EnvValue.Literal literal) {
                env.put(name, literal.value());
            }
        });
        return env;
    }

    private static ObjectNode cloudwatchAgent(Layout layout, String logFile, String logGroup) {
        ObjectNode root = JSON.objectNode();
        ArrayNode files = root.putObject("logs").putObject("logs_collected").putObject("files").putArray("collect_list");
        files.add(logFile(logFile, logGroup, "gunicorn"));
        files.add(logFile("/var/log/tierlift-boot.log", logGroup, "boot"));
        return root;
    }

    private static ObjectNode logFile(String path, String group, String stream) {
        ObjectNode file = JSON.objectNode();
        file.put("file_path", path);
        file.put("log_group_name", group);
        file.put("log_stream_name", "{instance_id}/" + stream);
        return file;
    }

    private static int seconds(java.time.Duration duration) {
        return (int) Math.max(1, duration.toSeconds());
    }

    /** Splits a rendered file into lines for a here-document, refusing a line that would end it early. */
    private static List<String> lines(String text) {
        List<String> lines = List.of(text.split("\n", -1));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines = lines.subList(0, lines.size() - 1);
        }
        for (String line : lines) {
            if (line.equals(HEREDOC_END)) {
                throw new IllegalStateException("a file placed by the boot script contains the line " + HEREDOC_END);
            }
        }
        return lines;
    }

    /** Single-quotes a word for the shell. */
    /**
     * What the boot script's pip installs: the release's requirements file, or the dependencies of a
     * pyproject.toml (pip's -r can't read one), and gunicorn at the version the on-prem wheelhouse
     * adds when they lack it ({@link ServerRequirement}). A requirements file that can't be read
     * here is taken as lacking it; such an app is refused by the app check before any deploy.
     */
    static List<String> pipInstall(AppDescriptor app, String releaseDir) {
        Backend backend = app.backend();
        Path file = app.baseDir().resolve(backend.path()).resolve(backend.requirements()).normalize();
        List<String> arguments = new ArrayList<>();
        Optional<byte[]> dependencies = RequirementsFile.isPyproject(backend.requirements()) ? pyprojectDependencies(file)
                : Optional.empty();
        if (dependencies.isPresent()) {
            for (String line : new String(dependencies.get(), StandardCharsets.UTF_8).split("\n")) {
                String requirement = line.replaceFirst("(^|\\s)#.*", "").strip();
                if (!requirement.isEmpty()) {
                    arguments.add(requirement);
                }
            }
        } else {
            arguments.add("--requirement");
            arguments.add(releaseDir + "/" + backend.requirements());
        }
        ServerRequirement.toAdd(app).ifPresent(arguments::add);
        return arguments;
    }

    /**
     * A pyproject.toml's dependencies; empty when it can't be read here, which validate, plan and
     * deploy refuse at backend.requirements before anything is placed (render shows the file's name).
     */
    private static Optional<byte[]> pyprojectDependencies(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(RequirementsFile.read(file)) : Optional.empty();
        } catch (ReleaseException e) {
            return Optional.empty();
        }
    }

    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** View model of {@code user-data.txt.ftl}; every value is already quoted for the shell. */
    public record BootScriptView(String asgLogicalId, String packages, String appUser, String home, String configDir,
                                 String launcherDir, String logDir, String releaseDir, String python, String venv, String pip,
                                 String pipInstall, String gunicornConfigPath, List<String> gunicornConfig,
                                 String launcherPath, List<String> launcher, String appEnvPath, List<String> appEnv,
                                 String bootEnvPath, String unitPath, List<String> unit, String service,
                                 String cloudwatchConfigPath, List<String> cloudwatchConfig, String healthUrl) {
    }

    /** View model of {@code app-start.py.ftl}; {@code releaseCommand} is empty when the app has none. */
    public record LauncherView(String app, String gunicorn, String gunicornConfig, String appEnvFile, String dbName,
                               String dbPort, List<String> secretNames, String releaseCommand, String releaseDir,
                               String venvBin, String appRole, String appRoleSql) {
    }

    /** View model of {@code app.service.unit.ftl}. */
    public record UnitView(String description, String user, String workingDirectory, String environmentFile,
                           String python, String launcher, String logFile, int stopTimeout) {
    }

}
