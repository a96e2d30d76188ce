package io.tierlift.cli.e2e;

import io.tierlift.database.PgSql;
import io.tierlift.release.ExecResult;
import io.tierlift.release.ProcessCommandRunner;
import io.tierlift.sandbox.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The aws-iaas instances' boot path for real. {@code deploy aws-iaas} runs against moto (with
 * moto_iaas_shim.py) listening on this test's bridge; the user data of the launch template it made,
 * read back from moto as an instance receives it, then runs as root under systemd on a booted Debian 12
 * machine ({@code sandbox up --machines}) whose AWS endpoints point at that moto. The boot must fetch the
 * release from the artifact bucket, read the database and app secrets from Secrets Manager, apply the
 * release command to a real PostgreSQL, start Gunicorn as an enabled systemd unit serving
 * {@code /api/notes}, and send CloudFormation the success signal for the Auto Scaling group.
 *
 * <p>What stands in for EC2, and why:
 * <ul>
 * <li>The image: Debian 12 for Amazon Linux 2023. What AL2023's image ships and the script calls is
 * installed first: curl, and the AWS CLI v2 from bookworm-backports (2.17), because Debian 12's own
 * (2.9) predates {@code AWS_ENDPOINT_URL} (AWS CLI 2.13) and could not be pointed at moto.</li>
 * <li>The package-manager step, the only step of the script replaced: its {@code dnf install -y ...}
 * runs a {@code dnf} that installs the Debian equivalents through the machine's apt (from the sandbox's
 * package cache): python3.N with python3.N-venv (Debian ships venv's ensurepip apart) and python3-pip.
 * The CloudWatch agent is built for Amazon Linux only; in its place goes a recorder of how the script
 * calls it. dnf itself cannot run here: Debian's package index does not have AL2023's packages.</li>
 * <li>The instance metadata service: {@link ImdsStandIn} (IMDSv2) at 169.254.169.254, which gives the id
 * of the instance moto's Auto Scaling group launched and the instance profile's credentials.</li>
 * <li>RDS: the endpoint name moto gave resolves on the machine to a real PostgreSQL 15 on this machine's
 * bridge address ({@link RdsStandIn}: TLS only, the master user and password of the secret RDS keeps).</li>
 * <li>PyPI: the script's pip is pointed at wheels served over the bridge with pip's standard environment
 * variables ({@code PIP_NO_INDEX}, {@code PIP_FIND_LINKS}, {@code PIP_TRUSTED_HOST}).</li>
 * <li>CloudFormation's signal: moto has no SignalResource; the shim checks the call as AWS does and records
 * it as AWS shows a received signal, an event of the resource (its patch 10).</li>
 * </ul>
 * The user data's body travels gzip-compressed and base64-encoded; the machine's own {@code base64} and
 * {@code gunzip} (coreutils and gzip, in Debian's base as in Amazon Linux 2023's image) unpack it.
 * The Debian base root is built on the first run of the machine sandbox and cached; packages come from the
 * sandbox's cache after the first run.
 */
@Tag("sandbox")
@Tag("moto")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AwsIaasBootMachineTest {
    private static final String BRIDGE = "tl-breboot";
    private static final String PREFIX = "10.240.52.";
    private static final String GATEWAY = PREFIX + "1";
    private static final String HOST = "ec2a";
    private static final String HOST_ADDRESS = PREFIX + "11";
    private static final String REGION = "eu-west-1";
    private static final String COMPUTE_STACK = "notes-default-iaas-compute";
    private static final String DATA_STACK = "notes-default-iaas-data";
    private static final String PYTHON = "3.11";
    private static final String USER_DATA_PATH = "/var/lib/cloud/instance/scripts/part-001";
    private static final String UNPACKED_BODY_PATH = "/run/tierlift-boot.sh";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(8);

    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private final String tokenCanary = "CANARY-token-" + UUID.randomUUID();
    private final ObjectMapper json = new ObjectMapper();
    private final List<AutoCloseable> servers = new ArrayList<>();

    private Path root;
    private Path stateDir;
    private Sandbox sandbox;
    private MotoShim moto;
    private RdsStandIn rds;
    private ImdsStandIn imds;
    private CloudFormationClient cfn;
    private S3Client s3;

    private String userData;
    /** The body the user data carries gzip-compressed and base64-encoded after its header, unpacked here. */
    private String bootBody;
    private String instanceId;
    private String dbHost;
    private String dbUser;
    private String dbPassword;
    /** The app's own database role and its generated password (the data stack's app database secret). */
    private String appDbUser;
    private String appDbPassword;
    private String appDbSecretArn;
    private ExecResult boot;
    private Instant phaseStart = Instant.now();

    @BeforeAll
    void bootAnInstanceOfTheDeployedStack() throws Exception {
        assertThat(runner.run(List.of("id", "-u"), TIMEOUT).stdout().strip())
                .as("the machine sandbox needs root (network namespaces, nspawn)").isEqualTo("0");
        for (String tool : List.of("debootstrap", "systemd-nspawn", "apt-cacher-ng", "nft", "openssl", "tar")) {
            if (runner.findExecutable(tool).isEmpty()) {
                fail(tool + " is not installed; bin/setup-machine installs it");
            }
        }
        root = Files.createTempDirectory("tierlift-iaas-boot-");
        stateDir = root.resolve("sandbox");
        sandbox = new Sandbox(stateDir, runner);
        Cli up = Cli.run(Map.of("HOME", System.getProperty("user.home")), "sandbox", "up", "--machines", "--os", "debian12",
                "-f", sandboxDescriptor().toString(), "--state-dir", stateDir.toString(), "--bridge", BRIDGE);
        assertThat(up.exitCode()).as(up.all()).isZero();
        phase("sandbox up --machines");

        // moto and the database listen on the bridge's address only: the machine reaches them, nothing else does.
        InetAddress gateway = InetAddress.getByName(GATEWAY);
        moto = MotoShim.start(gateway);
        rds = new RdsStandIn(gateway, PREFIX + "0/24");
        Path descriptor = appWithDescriptor(rds.port());
        Cli deploy = Cli.run(Map.of("AWS_ENDPOINT_URL", moto.endpoint().toString(), "AWS_REGION", REGION,
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
                "HOME", Files.createDirectories(root.resolve("home")).toString(),
                "NOTES_DB_PASSWORD", "unused-on-aws", "NOTES_REPLICATION_PASSWORD", "unused-on-aws",
                "NOTES_API_TOKEN", tokenCanary, "NO_COLOR", "1"),
                "deploy", "aws-iaas", "-f", descriptor.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all() + "\nmoto log:\n" + moto.log()).isZero();
        phase("moto, PostgreSQL, deploy aws-iaas");

        cfn = client(CloudFormationClient.builder());
        s3 = S3Client.builder().region(Region.of(REGION)).endpointOverride(moto.endpoint()).forcePathStyle(true)
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
        userData = launchTemplateUserData();
        bootBody = unpackedBody(userData);
        instanceId = onlyInstanceOfTheGroup();
        try (RdsClient rdsApi = client(RdsClient.builder()); SecretsManagerClient secrets = client(SecretsManagerClient.builder())) {
            var instance = rdsApi.describeDBInstances(b -> { }).dbInstances().get(0);
            dbHost = instance.endpoint().address();
            JsonNode master = json.readTree(secrets.getSecretValue(b -> b.secretId(instance.masterUserSecret().secretArn()))
                    .secretString());
            dbUser = master.path("username").asText();
            dbPassword = master.path("password").asText();
            appDbSecretArn = dataStackOutput("AppDbSecretArn");
            JsonNode app = json.readTree(secrets.getSecretValue(b -> b.secretId(appDbSecretArn)).secretString());
            appDbUser = app.path("username").asText();
            appDbPassword = app.path("password").asText();
        }
        assertThat(appDbUser).isEqualTo("notes_app");
        assertThat(appDbPassword).hasSizeGreaterThanOrEqualTo(32);
        assertThat(userData).contains("TIERLIFT_DB_HOST='" + dbHost + "'");
        rds.createMasterUserAndDatabase(dbUser, dbPassword, "notes");
        imds = new ImdsStandIn(gateway, instanceId, physicalId("AWS::IAM::Role"));
        WheelhouseServer wheels = new WheelhouseServer(gateway, PYTHON,
                List.of("-r", descriptor.resolveSibling("backend/requirements.txt").toString(), "gunicorn"));
        servers.add(wheels);
        phase("wheels fetched, metadata stand-in");
        prepareTheImage();
        phase("image prepared (AWS CLI, curl, dnf stand-in, routes)");

        // As cloud-init runs user data: as root, in a unit of the machine's systemd, with the machine's environment
        // plus pip's, and the script exactly as the launch template holds it.
        boot = inMachine(BOOT_TIMEOUT, "systemd-run", "--wait", "--collect", "--quiet", "--unit=cloud-user-data",
                "--setenv=PIP_NO_INDEX=1", "--setenv=PIP_FIND_LINKS=" + wheels.url(),
                "--setenv=PIP_TRUSTED_HOST=" + wheels.host(), "/bin/bash", USER_DATA_PATH);
        phase("user data");
    }

    @AfterAll
    void tearDown() throws Exception {
        phase("assertions");
        for (AutoCloseable c : new AutoCloseable[]{imds, cfn, s3}) {
            if (c != null) {
                c.close();
            }
        }
        for (AutoCloseable c : servers) {
            c.close();
        }
        try {
            if (sandbox != null) {
                sandbox.down(line -> { });
            }
        } finally {
            if (moto != null) {
                moto.close();
            }
            if (rds != null) {
                rds.close();
            }
            if (root != null) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            phase("tear-down");
        }
    }

    @Test
    @Order(1)
    void theUserDataRunsToItsEndAsRootWithOnlyThePackageStepReplaced() {
        assertThat(boot.ok()).as("the user data failed (%s); its log:\n%s\nmoto log tail:\n%s", boot.describe(), bootLog(),
                tail(moto.log())).isTrue();
        Matcher dnf = Pattern.compile("(?m)^dnf install -y .*$").matcher(bootBody);
        assertThat(dnf.find()).as("the script's package step").isTrue();
        String packageStep = dnf.group();
        assertThat(dnf.find()).as("one package step only").isFalse();
        assertThat(inMachineOk("cat", "/var/log/dnf-stand-in.log").strip()).isEqualTo(packageStep);
        assertThat(inMachineOk("cat", "/var/log/cloudwatch-agent-stand-in.log").strip())
                .isEqualTo("amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/etc/notes/cloudwatch-agent.json");
        assertThat(inMachineOk("cat", USER_DATA_PATH)).as("the script ran as the launch template holds it").isEqualTo(userData);
        assertThat(inMachineOk("cat", UNPACKED_BODY_PATH)).as("the body the machine's base64 and gunzip unpacked")
                .isEqualTo(bootBody);
        assertThat(inMachineOk("stat", "-c", "%a %U", UNPACKED_BODY_PATH).strip()).as("only root reads the body")
                .isEqualTo("600 root");
    }

    @Test
    @Order(2)
    void theReleaseIsFetchedFromTheArtifactBucket() throws Exception {
        String bucket = headerValue("TIERLIFT_ARTIFACT_BUCKET");
        String key = headerValue("TIERLIFT_RELEASE_KEY");
        assertThat(moto.log()).as("moto served the release to the machine")
                .containsPattern(Pattern.quote(HOST_ADDRESS) + " .*\"GET /" + Pattern.quote(bucket + "/" + key) + " HTTP/1\\.1\" 200");
        Path release = root.resolve("release.tar.gz");
        s3.getObject(b -> b.bucket(bucket).key(key), ResponseTransformer.toFile(release));
        List<String> inRelease = runner.run(List.of("tar", "-tzf", release.toString()), TIMEOUT).stdout().lines()
                .filter(name -> !name.endsWith("/")).map(name -> name.replaceFirst("^\\./", "")).sorted().toList();
        List<String> onMachine = inMachineOk("sh", "-c", "cd /srv/notes/current && find . -type f | sed 's,^\\./,,' | sort")
                .lines().toList();
        assertThat(onMachine).isNotEmpty().contains("notes/app.py").isEqualTo(inRelease);
    }

    @Test
    @Order(3)
    void theSecretsReachGunicornOnlyThroughItsEnvironment() {
        String mainPid = inMachineOk("systemctl", "show", "--property=MainPID", "--value", "notes.service").strip();
        // The start script reads the secrets and hands them to Gunicorn, which runs inside its process, through
        // os.environ: the environment the process was started with (/proc/PID/environ) holds none of them.
        List<String> environment = List.of(inMachineOk("cat", "/proc/" + mainPid + "/environ").split("\0"));
        assertThat(environment).contains("TIERLIFT_APP_SECRET_ARN=" + appSecretArn(), "TIERLIFT_APP_DB_SECRET_ARN=" + appDbSecretArn)
                .noneMatch(line -> line.contains(tokenCanary) || line.contains(dbPassword) || line.contains(appDbPassword));
        ExecResult onDisk = inMachine(TIMEOUT, "grep", "-rlF", "--", tokenCanary, "/etc", "/srv/notes/current", "/var/log",
                "/var/lib/cloud", "/root", "/tmp");
        assertThat(onDisk.stdout()).as("files holding the app secret's value").isEmpty();
        for (String password : List.of(dbPassword, appDbPassword)) {
            assertThat(inMachine(TIMEOUT, "grep", "-rlF", "--", password, "/etc", "/var/log", "/var/lib/cloud").stdout())
                    .as("files holding a database password").isEmpty();
        }
    }

    @Test
    @Order(4)
    void theReleaseCommandCreatedTheTablesBeforeGunicornStarted() throws Exception {
        try (Connection c = rds.connect("notes"); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tablename || ' ' || tableowner FROM pg_tables WHERE schemaname = 'public'"
                    + " ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            // The release command ran as the app's role, so its tables belong to that role, not to the master.
            assertThat(tables).containsExactly("notes " + appDbUser, "schema_migrations " + appDbUser);
            try (ResultSet rs = st.executeQuery("SELECT string_agg(version, ' ' ORDER BY version) FROM schema_migrations")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("0001_create_notes 0002_index_notes_created_at");
            }
        }
        String log = inMachineOk("cat", "/var/log/notes/gunicorn.log");
        assertThat(log).contains("applied 0001_create_notes").contains("applied 0002_index_notes_created_at");
        assertThat(log.indexOf("applied 0002_index_notes_created_at")).as("migrations before Gunicorn")
                .isLessThan(log.indexOf("Starting gunicorn"));
    }

    @Test
    @Order(5)
    void gunicornServesTheNotesApiAsAnEnabledSystemdUnit() throws Exception {
        assertThat(inMachineOk("systemctl", "is-active", "notes.service").strip()).isEqualTo("active");
        assertThat(inMachineOk("systemctl", "is-enabled", "notes.service").strip()).isEqualTo("enabled");
        String mainPid = inMachineOk("systemctl", "show", "--property=MainPID", "--value", "notes.service").strip();
        assertThat(inMachineOk("stat", "-c", "%U", "/proc/" + mainPid).strip()).isEqualTo("notes");
        // Gunicorn runs inside the start script's process (so its workers keep the credential re-read).
        assertThat(inMachineOk("cat", "/proc/" + mainPid + "/cmdline")).contains("/srv/notes/venv/bin/python")
                .contains("notes-start");
        assertThat(inMachineOk("cat", "/var/log/notes/gunicorn.log")).contains("Booting worker with pid");

        // RDS rotates the master user's password every 7 days; the app does not use it, so it keeps serving.
        try (Connection c = rds.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER ROLE " + PgSql.identifier(dbUser) + " PASSWORD " + PgSql.literal("rotated-" + UUID.randomUUID()));
        }

        // From this machine to the instance's port, as the load balancer reaches it.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = "booted on " + HOST + " " + UUID.randomUUID();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://" + HOST_ADDRESS + ":8000/api/notes"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("body", body)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create("http://" + HOST_ADDRESS + ":8000/api/notes"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(json.readTree(listed.body()).get(0).path("body").asText()).isEqualTo(body);
        try (Connection c = rds.connect("notes"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM notes WHERE body = " + PgSql.literal(body))) {
            rs.next();
            assertThat(rs.getInt(1)).as("the note, written after the master password changed").isEqualTo(1);
        }
    }

    @Test
    @Order(6)
    void cloudFormationReceivedTheSuccessSignalOfThisInstanceForTheGroup() {
        String group = cfn.describeStackResources(b -> b.stackName(COMPUTE_STACK)).stackResources().stream()
                .filter(r -> r.resourceType().equals("AWS::AutoScaling::AutoScalingGroup")).map(StackResource::logicalResourceId)
                .findFirst().orElseThrow();
        List<String> signals = cfn.describeStackEvents(b -> b.stackName(COMPUTE_STACK)).stackEvents().stream()
                .filter(e -> e.resourceStatusReason() != null && e.resourceStatusReason().startsWith("Received "))
                .map(e -> e.logicalResourceId() + ": " + e.resourceStatusReason()).toList();
        assertThat(signals).containsExactly(group + ": Received SUCCESS signal with UniqueId " + instanceId);
        assertThat(imds.requests).as("the instance id came from IMDSv2, with a session token")
                .contains("PUT /latest/api/token 200", "GET /latest/meta-data/instance-id 200")
                .noneMatch(request -> request.endsWith(" 401"));
    }

    /** One host for the machine sandbox: the instance. */
    private Path sandboxDescriptor() throws IOException {
        Path file = root.resolve("machines.yaml");
        Files.writeString(file, """
                app: notes
                frontend: { path: frontend, dist: frontend/dist }
                backend: { path: backend, wsgi: "notes.app:app", health: /api/health }
                database: { name: notes, user: notes, password: "${file:%s/secrets/db-password}" }
                targets:
                  onprem:
                    ssh: { config: %s/ssh_config }
                    domain: notes.sandbox.test
                    waf: { crs: false }
                    hosts:
                      %s: { address: %s, roles: [proxy, static, app, db-primary] }
                """.formatted(stateDir, stateDir, HOST, HOST_ADDRESS));
        return file;
    }

    /** The example app with its aws-iaas target as moto can take it, one instance, and the database's port. */
    private Path appWithDescriptor(int databasePort) throws IOException {
        Path app = root.resolve("app");
        Path example = Path.of("../examples/notes");
        copyTree(example.resolve("backend"), app.resolve("backend"));
        copyTree(example.resolve("frontend/dist"), app.resolve("frontend/dist"));
        if (!Files.exists(app.resolve("frontend/dist/index.html"))) {
            throw new IllegalStateException("examples/notes/frontend/dist is missing: build it first (bin/test does)");
        }
        // moto has no ACM: the ALB listens on plain HTTP, which the descriptor must allow explicitly.
        String edited = Files.readString(example.resolve("app.yaml"))
                .replaceAll("(?m)^    certificate_arn: .*\\n", "")
                .replaceAll("(?m)^    origin_domain: .*\\n", "    allow_http: true\n")
                .replace("scaling: { min: 2, max: 6, cpu_target: 50 }", "scaling: { min: 1, max: 2, desired: 1, cpu_target: 50 }")
                .replace("  release_command: \"python -m notes.migrate\"\n",
                        "  release_command: \"python -m notes.migrate\"\n  env:\n    NOTES_API_TOKEN: \"${env:NOTES_API_TOKEN}\"\n")
                .replace("  version: 15\n", "  version: 15\n  port: " + databasePort + "\n");
        assertThat(edited).contains("allow_http: true").contains("desired: 1").contains("NOTES_API_TOKEN")
                .contains("port: " + databasePort).contains("python: \"" + PYTHON + "\"");
        Path descriptor = app.resolve("app.yaml");
        Files.writeString(descriptor, edited);
        return descriptor;
    }

    /** The user data of the compute stack's launch template, decoded, as EC2 hands it to an instance. */
    private String launchTemplateUserData() {
        String template = physicalId("AWS::EC2::LaunchTemplate");
        try (Ec2Client ec2 = client(Ec2Client.builder())) {
            String encoded = ec2.describeLaunchTemplateVersions(b -> b.launchTemplateId(template).versions("$Latest"))
                    .launchTemplateVersions().get(0).launchTemplateData().userData();
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
    }

    private String onlyInstanceOfTheGroup() {
        try (AutoScalingClient autoScaling = client(AutoScalingClient.builder())) {
            var groups = autoScaling.describeAutoScalingGroups(b -> { }).autoScalingGroups();
            assertThat(groups).hasSize(1);
            assertThat(groups.get(0).instances()).hasSize(1);
            return groups.get(0).instances().get(0).instanceId();
        }
    }

    private String dataStackOutput(String key) {
        return cfn.describeStacks(b -> b.stackName(DATA_STACK)).stacks().get(0).outputs().stream()
                .filter(o -> o.outputKey().equals(key)).findFirst().orElseThrow().outputValue();
    }

    private String appSecretArn() {
        return dataStackOutput("AppSecretArn");
    }

    private String physicalId(String type) {
        return cfn.describeStackResources(b -> b.stackName(COMPUTE_STACK)).stackResources().stream()
                .filter(r -> r.resourceType().equals(type)).map(StackResource::physicalResourceId).findFirst().orElseThrow();
    }

    /**
     * What the image provides before the user data runs (see the class comment): the AWS CLI and curl, the
     * package-step stand-in, the way to the metadata service, the RDS endpoint's name, and AWS endpoints at moto.
     */
    private void prepareTheImage() {
        writeInMachine("/etc/apt/sources.list.d/backports.sources", """
                Types: deb
                URIs: http://%s:3142/deb.debian.org/debian
                Suites: bookworm-backports
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
                """.formatted(GATEWAY), "0644");
        assertThat(inMachineOk("cat", "/etc/apt/sources.list.d/debian.sources"))
                .as("the backports suite is on the same mirror as the machine's own")
                .contains("URIs: http://" + GATEWAY + ":3142/deb.debian.org/debian\n");
        apt("update");
        apt("install", "-y", "--no-install-recommends", "curl");
        apt("install", "-y", "--no-install-recommends", "-t", "bookworm-backports", "awscli");
        writeInMachine("/usr/local/sbin/dnf", DNF_STAND_IN, "0755");

        writeInMachine("/etc/hosts", inMachineOk("cat", "/etc/hosts") + GATEWAY + " " + dbHost + "\n", "0644");
        // The metadata service's address is routed to the bridge and rewritten, in the machine's own network
        // namespace, to the stand-in's port.
        writeInMachine("/etc/systemd/network/10-sandbox.network.d/metadata.conf",
                "[Route]\nDestination=169.254.169.254/32\nGateway=" + GATEWAY + "\n", "0644");
        inMachineOk("networkctl", "reload");
        ExecResult nat = runner.run(List.of("ip", "netns", "exec", BRIDGE + "-" + HOST, "nft", "add table ip metadata ; "
                + "add chain ip metadata output { type nat hook output priority -100 ; } ; "
                + "add rule ip metadata output ip daddr 169.254.169.254 tcp dport 80 dnat to " + GATEWAY + ":" + imds.port()), TIMEOUT);
        assertThat(nat.ok()).as(nat.describe()).isTrue();
        awaitRoute();
        // Every unit of the machine (the user data's and the app's) talks to moto; credentials come from the
        // metadata service.
        inMachineOk("systemctl", "set-environment", "AWS_ENDPOINT_URL=" + moto.endpoint());
        writeInMachine(USER_DATA_PATH, userData, "0700");
    }

    private void awaitRoute() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!inMachineOk("ip", "-4", "route").contains("169.254.169.254 via " + GATEWAY)) {
            if (Instant.now().isAfter(deadline)) {
                fail("the machine has no route to the metadata service: " + inMachineOk("ip", "-4", "route"));
            }
            sleep(200);
        }
    }

    /**
     * Amazon Linux's dnf, as far as the boot script uses it: {@code install -y} of AL2023 package names,
     * installed as their Debian equivalents through apt. Logs how it was called.
     */
    private static final String DNF_STAND_IN = """
            #!/bin/sh
            set -eu
            echo "dnf $*" >> /var/log/dnf-stand-in.log
            if [ "$1" != install ] || [ "$2" != -y ]; then
                echo "dnf stand-in: only 'install -y' is known" >&2
                exit 64
            fi
            shift 2
            debs=""
            for package in "$@"; do
                case "$package" in
                    python3.[0-9]*-pip) debs="$debs python3-pip" ;;
                    python3.[0-9]*) debs="$debs $package $package-venv" ;;
                    amazon-cloudwatch-agent)
                        mkdir -p /opt/aws/amazon-cloudwatch-agent/bin
                        printf '#!/bin/sh\\necho "amazon-cloudwatch-agent-ctl $*" >> /var/log/cloudwatch-agent-stand-in.log\\n' \\
                            > /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl
                        chmod 0755 /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl ;;
                    *) echo "dnf stand-in: no Debian equivalent of $package" >&2; exit 1 ;;
                esac
            done
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $debs
            """;

    private void apt(String... args) {
        List<String> argv = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "-q"));
        argv.addAll(List.of(args));
        ExecResult result = inMachine(Duration.ofMinutes(5), argv.toArray(String[]::new));
        assertThat(result.ok()).as(result.describe()).isTrue();
    }

    /** Writes a file in the machine, through its own filesystem view; the content goes as an argument, never quoted. */
    private void writeInMachine(String path, String content, String mode) {
        inMachineOk("sh", "-c", "mkdir -p \"$(dirname \"$2\")\" && printf '%s' \"$1\" > \"$2\" && chmod \"$3\" \"$2\"", "sh",
                content, path, mode);
    }

    private ExecResult inMachine(Duration timeout, String... argv) {
        List<String> command = new ArrayList<>(List.of("env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=/root", "LANG=C.UTF-8"));
        command.addAll(List.of(argv));
        return sandbox.execInHost(HOST, command, timeout);
    }

    /** The packed body of the user data, decoded and gunzipped here, as the header's shell does on the machine. */
    private static String unpackedBody(String userData) throws IOException {
        Matcher packed = Pattern.compile("(?ms)^base64 -d <<'TIERLIFT_BODY' \\| gunzip > " + Pattern.quote(UNPACKED_BODY_PATH)
                + "\n(.*?)^TIERLIFT_BODY\n\\. " + Pattern.quote(UNPACKED_BODY_PATH) + "\n\\z").matcher(userData);
        assertThat(packed.find()).as("the user data ends with its packed body:\n" + userData).isTrue();
        byte[] gzip = Base64.getMimeDecoder().decode(packed.group(1));
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String inMachineOk(String... argv) {
        ExecResult result = inMachine(TIMEOUT, argv);
        assertThat(result.ok()).as(result.describe()).isTrue();
        return result.stdout();
    }

    private String headerValue(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "='([^']*)'$").matcher(userData);
        assertThat(m.find()).as(name + " in the user data's header").isTrue();
        return m.group(1);
    }

    private String bootLog() {
        ExecResult log = inMachine(TIMEOUT, "tail", "-n", "80", "/var/log/tierlift-boot.log");
        ExecResult app = inMachine(TIMEOUT, "tail", "-n", "40", "/var/log/notes/gunicorn.log");
        return log.stdout() + log.stderr() + "\n--- gunicorn.log:\n" + app.stdout() + app.stderr();
    }

    private <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.region(Region.of(REGION)).endpointOverride(moto.endpoint()).credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    /** How long each part took, on stderr (the test's output file): the user data's time is the one a boot takes. */
    private void phase(String name) {
        Instant now = Instant.now();
        System.err.printf("AwsIaasBootMachineTest: %-55s %5.1f s%n", name, Duration.between(phaseStart, now).toMillis() / 1000.0);
        phaseStart = now;
    }

    private static String tail(String log) {
        List<String> lines = log.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                String relative = from.relativize(source).toString();
                if (relative.contains("__pycache__") || relative.startsWith("tests")) {
                    continue;
                }
                Path target = to.resolve(relative);
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(source, target);
                }
            }
        }
    }
}
