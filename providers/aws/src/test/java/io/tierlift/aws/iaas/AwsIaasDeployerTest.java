package io.tierlift.aws.iaas;

import io.tierlift.aws.cloudformation.DeployerSettings;
import io.tierlift.aws.cloudformation.StackDeployer;
import io.tierlift.aws.testing.RecordingProgress;
import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.iaas.AwsIaasRenderer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The deployer against CloudFormation and S3 fakes: parameters resolved at deploy time, offline plan, destroy. */
class AwsIaasDeployerTest {
    private static final String PREFIX_LIST_ID = "pl-4fa04526";

    @TempDir
    Path dir;

    private final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    private final FakeCloudFormation cfn = new FakeCloudFormation(journal);
    private final FakeS3 s3 = new FakeS3(journal);
    private final RecordingProgress progress = new RecordingProgress();
    private final List<String> prefixListRegions = new ArrayList<>();
    private AppDescriptor descriptor;
    private StackPlan plan;
    private AwsIaasDeployer deployer;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("backend/notes"));
        Files.writeString(dir.resolve("backend/notes/app.py"), "app = None\n");
        Files.writeString(dir.resolve("backend/requirements.txt"), "flask\n");
        Files.createDirectories(dir.resolve("frontend/dist/assets"));
        Files.writeString(dir.resolve("frontend/dist/index.html"), "<!doctype html><script src=/assets/index-abc123.js></script>");
        Files.writeString(dir.resolve("frontend/dist/assets/index-abc123.js"), "console.log(1)");
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, """
                app: notes
                frontend: { path: frontend, build: "npm run build", dist: frontend/dist }
                backend: { path: backend, wsgi: "notes.app:app", python: "3.11", requirements: requirements.txt,
                           health: /api/health, port: 8000 }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}", version: 15 }
                targets:
                  aws-iaas:
                    region: eu-west-1
                    vpc_cidr: 10.20.0.0/16
                    instance_type: t3.small
                    scaling: { min: 2, max: 6, cpu_target: 50 }
                    database: { class: db.t4g.medium, multi_az: true }
                    allow_http: true
                """);
        var loaded = new DescriptorLoader().load(file, Optional.empty());
        descriptor = loaded.descriptor();
        plan = new AwsIaasRenderer().plan(descriptor);
        StackDeployer stacks = new StackDeployer(region -> cfn, DeployerSettings.defaults().withPollInterval(Duration.ofMillis(1)),
                progress, d -> { }, Clock.systemUTC());
        deployer = new AwsIaasDeployer(region -> cfn, region -> s3, stacks, region -> {
            prefixListRegions.add(region);
            return PREFIX_LIST_ID;
        }, progress, Duration.ofMillis(1), Duration.ofMinutes(1), Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void deployTimeParametersAreTheLookedUpPrefixListAndTheReleaseKey() {
        deployer.deploy(descriptor, plan, "1.2.3");

        BackendRelease release = BackendRelease.of(descriptor);
        int deployTime = 0;
        for (StackSpec spec : plan.stacks()) {
            Map<String, String> sent = cfn.createdParameters.get(spec.name());
            assertThat(sent).as(spec.name()).isNotNull();
            for (var entry : spec.parameters().entrySet()) {
                String value = sent.get(entry.getKey());
                if (entry.getValue() instanceof ParameterSource.DeployTime time) {
                    deployTime++;
                    assertThat(value).as(spec.key() + "." + entry.getKey())
                            .isEqualTo(time.name().equals("release-key") ? release.key() : PREFIX_LIST_ID);
                } else if (entry.getValue() instanceof ParameterSource.StackOutput out) {
                    assertThat(value).isEqualTo(plan.stack(out.stackKey()).name() + ":" + out.outputName());
                } else if (entry.getValue() instanceof ParameterSource.Literal literal) {
                    assertThat(value).isEqualTo(literal.value());
                }
            }
        }
        assertThat(deployTime).as("the plan has both deploy-time parameters").isEqualTo(2);
        assertThat(prefixListRegions).containsExactly("eu-west-1");
        assertThat(release.key()).matches("releases/[0-9a-f]{16}\\.tar\\.gz");
    }

    @Test
    void theReleaseIsUploadedBeforeTheStackThatNamesItAndOnlyOnce() {
        AwsIaasDeployer.DeployReport first = deployer.deploy(descriptor, plan, "1.2.3");
        String artifactBucket = plan.stack("artifacts").name() + ":ArtifactBucketName";
        String releaseUpload = "s3:PutObject " + artifactBucket + "/" + BackendRelease.of(descriptor).key();
        assertThat(first.releaseUploaded()).isTrue();
        assertThat(journal).containsSubsequence(releaseUpload, "cfn:CreateStack " + plan.stack("compute").name());
        assertThat(journal.indexOf(releaseUpload)).isGreaterThan(journal.indexOf("cfn:CreateStack " + plan.stack("artifacts").name()));
        String siteBucket = plan.stack("static").name() + ":SiteBucketName";
        assertThat(s3.buckets.get(siteBucket)).containsOnlyKeys("index.html", "assets/index-abc123.js");
        assertThat(s3.buckets.get(siteBucket).get("index.html").cacheControl()).isEqualTo("no-cache");

        assertThat(deployer.uploadRelease(BackendRelease.of(descriptor), artifactBucket, "eu-west-1")).isFalse();
        assertThat(journal.stream().filter(releaseUpload::equals)).hasSize(1);
    }

    @Test
    void theStackVersionTagIsTheOneGiven() {
        deployer.deploy(descriptor, plan, "9.8.7-test");
        assertThat(cfn.createdTags).hasSize(plan.stacks().size());
        cfn.createdTags.forEach((stack, tags) -> assertThat(tags).as(stack).containsEntry("tierlift:version", "9.8.7-test")
                .containsAllEntriesOf(plan.tags()));
    }

    @Test
    void offlinePlanListsEveryResourceAndSiteFileAsCreatedWithoutAnyCall() {
        AwsIaasDeployer offline = new AwsIaasDeployer(null, null, null, null, progress, null, null,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        Plan result = offline.planOffline(descriptor, plan, "digest");

        int resources = plan.stacks().stream().mapToInt(s -> s.template().resources().size()).sum();
        assertThat(result.changes()).hasSize(resources + 2);
        assertThat(result.changes()).allSatisfy(c -> assertThat(c.action()).isEqualTo(Action.CREATE));
        assertThat(result.changes()).map(PlannedChange::address)
                .contains("aws-iaas.site/index.html", "aws-iaas.site/assets/index-abc123.js")
                .anySatisfy(a -> assertThat(a).startsWith("aws-iaas.data."))
                .anySatisfy(a -> assertThat(a).startsWith("aws-iaas.network."));
        assertThat(result.target()).isEqualTo("aws-iaas");
        assertThat(journal).isEmpty();
    }

    @Test
    void offlinePlanWithoutTheReactBuildSaysToBuildIt() throws IOException {
        Files.delete(dir.resolve("frontend/dist/assets/index-abc123.js"));
        Files.delete(dir.resolve("frontend/dist/assets"));
        Files.delete(dir.resolve("frontend/dist/index.html"));
        Files.delete(dir.resolve("frontend/dist"));
        AwsIaasDeployer offline = new AwsIaasDeployer(null, null, null, null, progress, null, null, Clock.systemUTC());
        assertThatThrownBy(() -> offline.planOffline(descriptor, plan, "digest"))
                .isInstanceOf(IaasDeployException.class).hasMessageContaining("build the frontend first");
    }

    @Test
    void destroyDeletesLastStackFirstEmptyingBucketsBeforeTheirStacks() {
        deployer.deploy(descriptor, plan, "1.2.3");
        journal.clear();

        List<String> deleted = deployer.destroy(plan, true, true);

        List<String> names = plan.stacks().stream().map(StackSpec::name).toList();
        List<String> reversed = new ArrayList<>(names);
        Collections.reverse(reversed);
        assertThat(deleted).isEqualTo(reversed);
        String site = plan.stack("static").name();
        String artifacts = plan.stack("artifacts").name();
        String data = plan.stack("data").name();
        assertThat(journal).containsSubsequence(
                "s3:DeleteObjects " + site + ":SiteBucketName 2", "cfn:DeleteStack " + site,
                "cfn:DeleteStack " + plan.stack("waf").name(),
                "cfn:DeleteStack " + plan.stack("compute").name(),
                "cfn:UpdateTerminationProtection " + data + " false", "cfn:DeleteStack " + data,
                "cfn:DeleteStack " + plan.stack("network").name(),
                "s3:DeleteObjects " + artifacts + ":ArtifactBucketName 1", "cfn:DeleteStack " + artifacts);
        assertThat(cfn.stacks).isEmpty();
    }

    @Test
    void destroyRefusesToEmptyBucketsWithoutConfirmationAndDeletesNothing() {
        deployer.deploy(descriptor, plan, "1.2.3");
        journal.clear();

        assertThatThrownBy(() -> deployer.destroy(plan, false, true))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining(plan.stack("static").name())
                .hasMessageContaining("--yes");
        assertThat(journal).noneMatch(l -> l.startsWith("cfn:DeleteStack") || l.startsWith("s3:DeleteObjects"));
        assertThat(cfn.stacks).hasSize(plan.stacks().size());
    }

    @Test
    void destroyStopsAtTheProtectedDataStackUnlessAskedToLiftIt() {
        deployer.deploy(descriptor, plan, "1.2.3");
        journal.clear();

        assertThatThrownBy(() -> deployer.destroy(plan, true, false))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining(plan.stack("data").name())
                .hasMessageContaining("--force-data-deletion");
        assertThat(cfn.stacks).containsOnlyKeys(plan.stack("artifacts").name(), plan.stack("network").name(), plan.stack("data").name());
        assertThat(journal).noneMatch(l -> l.startsWith("cfn:UpdateTerminationProtection"));
    }

    @Test
    void aFailedProtectionLiftWarnsAndTheDeleteIsTriedAnyway() {
        deployer.deploy(descriptor, plan, "1.2.3");
        cfn.terminationProtectionFailure = 500;
        cfn.enforceTerminationProtection = false;

        List<String> deleted = deployer.destroy(plan, true, true);

        assertThat(deleted).contains(plan.stack("data").name());
        assertThat(cfn.stacks).isEmpty();
        assertThat(progress.lines()).anySatisfy(l -> assertThat(l)
                .startsWith(plan.stack("data").name() + ": warning: could not turn termination protection off"));
    }

    @Test
    void whenAwsStillRefusesTheProtectedDeleteTheErrorSaysHowToLiftIt() {
        deployer.deploy(descriptor, plan, "1.2.3");
        cfn.terminationProtectionFailure = 403;

        assertThatThrownBy(() -> deployer.destroy(plan, true, true))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining("update-termination-protection --no-enable-termination-protection");
        assertThat(cfn.stacks).containsKey(plan.stack("data").name());
    }
}
