package io.tierlift.cli;

import io.tierlift.tier.TierRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Options and verbs a tier does not have are refused before anything happens: exit 64, a sentence
 * naming the tiers that have them, no host or cloud contacted, nothing read or written.
 */
class TierRefusalsTest {
    private static final String EXAMPLE = "../examples/notes/app.yaml";

    @TempDir
    Path home;

    private final List<String> contacted = new ArrayList<>();

    private record Run(int exitCode, String out, String err) {
    }

    /** The CLI with tiers that record any SSH connection or Lambda call, and AWS endpoints on a closed port. */
    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("HOME", home.toString(), "AWS_ENDPOINT_URL", "http://127.0.0.1:9",
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing", "AWS_REGION", "eu-west-1");
        int code = Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), false,
                context -> Tiers.with(context, (target, accept) -> {
                    contacted.add("ssh " + target.domain());
                    throw new AssertionError("no SSH for a refused command");
                }, Optional.of((region, function) -> {
                    contacted.add("lambda " + function);
                    throw new AssertionError("no Lambda for a refused command");
                })));
        return new Run(code, out.toString(), err.toString());
    }

    private void assertRefused(Run run, String sentence) throws IOException {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(64);
        assertThat(run.err()).contains(sentence);
        assertThat(run.out()).isEmpty();
        assertThat(contacted).isEmpty();
        try (Stream<Path> written = Files.list(home)) {
            assertThat(written).as("nothing written").isEmpty();
        }
    }

    @Test
    void aSavedPlanIsOnpremOnly() throws IOException {
        Path plan = home.resolve("missing.plan.json");
        assertRefused(run("deploy", "aws-iaas", "-f", EXAMPLE, "--plan", plan.toString(), "--yes"),
                "'deploy --plan' is not supported by the aws-iaas tier; it is supported by: onprem");
        assertRefused(run("deploy", "aws-serverless", "-f", EXAMPLE, "--plan", plan.toString(), "--yes"),
                "'deploy --plan' is not supported by the aws-serverless tier; it is supported by: onprem");
    }

    @Test
    void rollbackOptionsWithoutRollbackAreRefusedBeforeAnythingHappens() throws IOException {
        assertRefused(run("deploy", "aws-iaas", "-f", EXAMPLE, "--to", "0123456789abcdef", "--yes"),
                "--to only goes with --rollback; nothing was changed");
        assertRefused(run("deploy", "onprem", "-f", EXAMPLE, "--force", "--yes"),
                "--force only goes with --rollback; nothing was changed");
        assertRefused(run("deploy", "onprem", "-f", EXAMPLE, "--rollback", "--plan", "p.json", "--yes"),
                "--rollback and --plan do not go together");
    }

    @Test
    void breakLockAndHostKeysAreOnpremOnly() throws IOException {
        assertRefused(run("deploy", "aws-iaas", "-f", EXAMPLE, "--break-lock", "--yes"),
                "'deploy --break-lock' is not supported by the aws-iaas tier; it is supported by: onprem");
        assertRefused(run("plan", "aws-serverless", "-f", EXAMPLE, "--accept-new-host-keys"),
                "'--accept-new-host-keys' is not supported by the aws-serverless tier; it is supported by: onprem");
        assertRefused(run("deploy", "aws-iaas", "-f", EXAMPLE, "--accept-new-host-keys", "--yes"),
                "'--accept-new-host-keys' is not supported by the aws-iaas tier; it is supported by: onprem");
    }

    @Test
    void failoverIsOnpremOnly() throws IOException {
        assertRefused(run("failover", "aws-iaas", "-f", EXAMPLE, "--yes"),
                "'failover' is not supported by the aws-iaas tier; it is supported by: onprem");
        assertRefused(run("failover", "aws-serverless", "-f", EXAMPLE, "--yes"),
                "'failover' is not supported by the aws-serverless tier; it is supported by: onprem");
    }

    @Test
    void backupsAreOnpremOnlyForNow() throws IOException {
        assertRefused(run("backup", "now", "aws-iaas", "-f", EXAMPLE),
                "'backup now' is not supported by the aws-iaas tier; it is supported by: onprem");
        assertRefused(run("backup", "list", "aws-serverless", "-f", EXAMPLE, "--output", "json"),
                "'backup list' is not supported by the aws-serverless tier; it is supported by: onprem");
    }

    @Test
    void wafReportIsOnpremOnlyForNow() throws IOException {
        assertRefused(run("waf", "report", "aws-iaas", "-f", EXAMPLE),
                "'waf report' is not supported by the aws-iaas tier; it is supported by: onprem");
        assertRefused(run("waf", "report", "aws-serverless", "-f", EXAMPLE, "--since", "2h", "--output", "json"),
                "'waf report' is not supported by the aws-serverless tier; it is supported by: onprem");
        assertRefused(run("waf", "report", "onprem", "-f", EXAMPLE, "--since", "yesterday"),
                "--since 'yesterday' is not a duration such as 30m, 24h or 7d");
    }

    @Test
    void badLogsOptionsAreRefusedBeforeAnythingIsOpened() throws IOException {
        assertRefused(run("logs", "onprem", "-f", EXAMPLE, "--role", "cache"), "--role 'cache' is not one of app, waf, proxy, db");
        assertRefused(run("logs", "onprem", "-f", EXAMPLE, "--grep", "(unclosed"), "--grep '(unclosed' is not a regular expression");
        assertRefused(run("logs", "onprem", "-f", EXAMPLE, "--since", "soon"), "--since 'soon' is not a duration");
        assertRefused(run("logs", "onprem", "-f", EXAMPLE, "--host", "../etc"), "--host '../etc' is not a host name");
    }

    @Test
    void awsAccountOptionsAreRefusedOnprem() throws IOException {
        assertRefused(run("plan", "onprem", "-f", EXAMPLE, "--region", "eu-west-1"),
                "'--profile/--region' is not supported by the onprem tier; it is supported by: aws-iaas, aws-serverless");
        assertRefused(run("deploy", "onprem", "-f", EXAMPLE, "--profile", "prod", "--yes"),
                "'--profile/--region' is not supported by the onprem tier; it is supported by: aws-iaas, aws-serverless");
    }

    @Test
    void maintenanceIsOnEveryTierButTakesAwsAccountOptionsOnlyOnAws() throws IOException {
        TierRegistry registry = Tiers.standard(Main.context(Map.of(), new io.tierlift.cli.console.Console(
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false)));
        for (io.tierlift.provider.Target target : io.tierlift.provider.Target.values()) {
            assertThat(registry.operations(target)).as(target.key()).contains(io.tierlift.tier.Operation.MAINTENANCE);
        }
        assertRefused(run("maintenance", "on", "onprem", "-f", EXAMPLE, "--region", "eu-west-1"),
                "'--profile/--region' is not supported by the onprem tier; it is supported by: aws-iaas, aws-serverless");
    }

    @Test
    void refreshingTheImageAndReplacingTheDatabaseAreAwsIaasOnly() throws IOException {
        assertRefused(run("deploy", "aws-serverless", "-f", EXAMPLE, "--refresh-image", "--yes"),
                "'--refresh-image' is not supported by the aws-serverless tier; it is supported by: aws-iaas");
        assertRefused(run("plan", "onprem", "-f", EXAMPLE, "--refresh-image"),
                "'--refresh-image' is not supported by the onprem tier; it is supported by: aws-iaas");
        assertRefused(run("deploy", "onprem", "-f", EXAMPLE, "--allow-database-replacement", "--yes"),
                "'deploy --allow-database-replacement' is not supported by the onprem tier; it is supported by: aws-iaas");
    }

    @Test
    void theAwsTiersRestoreOnlyIntoANewDatabase() throws IOException {
        assertRefused(run("restore", "aws-iaas", "-f", EXAMPLE, "--to-time", "2026-12-07T19:30:00Z", "--target", "in-place", "--yes"),
                "'restore --target in-place' is not supported by the aws-iaas tier; it is supported by: onprem");
        assertRefused(run("restore", "aws-serverless", "-f", EXAMPLE, "--to-time", "2026-12-07T19:30:00Z", "--target", "in-place",
                "--yes"), "'restore --target in-place' is not supported by the aws-serverless tier; it is supported by: onprem");
    }

    @Test
    void anOfflinePlanCannotRefreshTheImage() throws IOException {
        assertRefused(run("plan", "aws-iaas", "-f", EXAMPLE, "--offline", "--refresh-image"),
                "--refresh-image compares the image the instances run with the newest one, which an --offline plan cannot read");
    }

    @Test
    void dbShellOnAwsIsRefusedNamingTheTierThatHasIt() throws IOException {
        assertRefused(run("db", "shell", "aws-iaas", "-f", EXAMPLE),
                "'db shell' is not supported by the aws-iaas tier; it is supported by: onprem");
        assertRefused(run("db", "shell", "aws-serverless", "-f", EXAMPLE),
                "'db shell' is not supported by the aws-serverless tier; it is supported by: onprem");
    }

    @Test
    void execRunsOnEveryTierButInteractivelyOnlyOnprem() {
        TierRegistry registry = Tiers.standard(Main.context(Map.of(), new io.tierlift.cli.console.Console(
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false)));
        for (io.tierlift.provider.Target aws : List.of(io.tierlift.provider.Target.AWS_SERVERLESS, io.tierlift.provider.Target.AWS_IAAS)) {
            registry.require(aws, io.tierlift.tier.Operation.EXEC);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.require(aws,
                            io.tierlift.tier.Operation.EXEC, io.tierlift.tier.Operation.EXEC_INTERACTIVE))
                    .isInstanceOf(io.tierlift.tier.UnsupportedOperationForTier.class)
                    .hasMessageContaining("'exec (interactive)' is not supported by the " + aws.key() + " tier; it is supported by: onprem");
        }
    }

    @Test
    void theRegistryHasExactlyOneTierPerTarget() {
        TierRegistry registry = Tiers.standard(Main.context(Map.of(), new io.tierlift.cli.console.Console(
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false)));
        assertThat(registry.targets()).containsExactlyInAnyOrder(io.tierlift.provider.Target.values());
        for (io.tierlift.provider.Target target : io.tierlift.provider.Target.values()) {
            assertThat(registry.operations(target)).as(target.key()).isNotEmpty();
        }
    }
}
