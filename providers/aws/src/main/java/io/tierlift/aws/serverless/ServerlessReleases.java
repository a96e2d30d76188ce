package io.tierlift.aws.serverless;

import io.tierlift.aws.LiveStackPlanner;
import io.tierlift.aws.StackSet;
import io.tierlift.aws.cloudformation.LiveStack;
import io.tierlift.aws.cloudformation.StackRequest;
import io.tierlift.aws.s3.ReleaseMigrationRecords;
import io.tierlift.model.AppDescriptor;
import io.tierlift.plan.Action;
import io.tierlift.plan.Plan;
import io.tierlift.plan.PlannedChange;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.iaas.ArtifactsStack;
import io.tierlift.render.aws.serverless.ApiStack;
import io.tierlift.tier.ReleaseEntry;
import io.tierlift.tier.RollbackChoice;
import io.tierlift.tier.RollbackRequest;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.tierlift.aws.serverless.AwsServerlessDeployer.ALIAS_ADDRESS;
import static io.tierlift.aws.serverless.AwsServerlessDeployer.API;
import static io.tierlift.aws.serverless.AwsServerlessDeployer.ARTIFACTS;
import static io.tierlift.aws.serverless.AwsServerlessDeployer.FUNCTION_NAME_OUTPUT;
import static io.tierlift.aws.serverless.AwsServerlessDeployer.LATEST;
import static io.tierlift.aws.serverless.AwsServerlessDeployer.TARGET;

/**
 * The aws-serverless releases: the function's published versions (each with the migrations its
 * package carries, recorded beside the package), the one alias {@code live} serves, and the rollback
 * that moves the alias through the api stack's {@code LiveVersion} parameter.
 */
public final class ServerlessReleases {
    private static final DateTimeFormatter LAMBDA_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS]XX");

    private final StackSet stackSet;
    private final Function<String, S3Client> s3;
    private final FunctionLookup functions;
    private final Progress progress;
    private final Clock clock;

    ServerlessReleases(StackSet stackSet, Function<String, S3Client> s3, FunctionLookup functions, Progress progress, Clock clock) {
        this.stackSet = stackSet;
        this.s3 = s3;
        this.functions = functions;
        this.progress = progress;
        this.clock = clock;
    }

    /** The alias's versions as the live api stack records them: what it serves and what it served before. */
    private record Serving(String live, String previous) {
        static Serving of(LiveStack api) {
            return new Serving(api.parameters().getOrDefault(ApiStack.LIVE_VERSION_PARAMETER, LATEST),
                    api.parameters().getOrDefault(ApiStack.PREVIOUS_VERSION_PARAMETER, ""));
        }
    }

    /**
     * Moves the alias to the version {@code choice} names (by default the one it served before the last
     * move), by the api stack's own template and parameters with the live version changed and the one it
     * leaves recorded as the previous: no package is built, no release command runs and nothing else
     * changes (a second plain rollback goes forward again). The database keeps whatever the newer release
     * command did to it.
     */
    public AwsServerlessDeployer.AliasState rollback(StackPlan plan, RollbackChoice choice) {
        StackSpec api = plan.stack(API);
        LiveStack live = liveApi(api);
        Serving now = Serving.of(live);
        String to = choice.target().id();
        Map<String, String> parameters = new TreeMap<>(live.parameters());
        parameters.put(ApiStack.LIVE_VERSION_PARAMETER, to);
        parameters.put(ApiStack.PREVIOUS_VERSION_PARAMETER, now.live());
        // A stack deployed before the alias had a parameter of its own points it by LiveVersion.
        if (parameters.containsKey(ApiStack.ALIAS_VERSION_PARAMETER)) {
            parameters.put(ApiStack.ALIAS_VERSION_PARAMETER, to);
        }
        progress.step(api.name(), "rolling back: moving alias " + ApiStack.ALIAS + " from version " + now.live() + " to " + to);
        Set<Capability> capabilities = api.capabilities().stream().map(Capability::fromValue).collect(Collectors.toSet());
        stackSet.deploy(new StackRequest(api.name(), api.region(), stackSet.stacks().template(live, api.region()), parameters,
                live.tags(), false, capabilities));
        return new AwsServerlessDeployer.AliasState(now.live(), to, now.live());
    }

    /**
     * Where {@code deploy --rollback} would take the alias: the version {@code request} names, or the
     * one it served before; refused (nothing changed) when that version is older than the schema.
     */
    public RollbackChoice rollbackChoice(StackPlan plan, RollbackRequest request) {
        StackSpec api = plan.stack(API);
        LiveStack live = liveApi(api);
        Serving now = Serving.of(live);
        if (request.to().isEmpty() && now.previous().isEmpty()) {
            throw new ServerlessDeployException("alias " + ApiStack.ALIAS + " of stack " + api.name() + " serves version "
                    + now.live() + " and records no version before it: there is nothing to roll back to");
        }
        return RollbackChoice.of(list(plan), request, Optional.of(now.previous()).filter(p -> !p.isEmpty()));
    }

    /**
     * The function's published versions, newest first: when each was published, whether the alias serves
     * it, and the migrations its package carries (recorded beside the package when it was uploaded).
     */
    public List<ReleaseEntry> list(StackPlan plan) {
        StackSpec api = plan.stack(API);
        LiveStack live = stackSet.stacks().status(api.name(), api.region()).filter(l -> !l.failedCreate())
                .orElseThrow(() -> new ServerlessDeployException("stack " + api.name() + " (" + api.region() + ") is not deployed: "
                        + "there are no releases"));
        String function = Optional.ofNullable(live.outputs().get(FUNCTION_NAME_OUTPUT))
                .orElseThrow(() -> new ServerlessDeployException("stack " + api.name() + " has no output " + FUNCTION_NAME_OUTPUT));
        StackSpec artifacts = plan.stack(ARTIFACTS);
        Optional<String> bucket = stackSet.stacks().status(artifacts.name(), artifacts.region())
                .map(l -> l.outputs().get(ArtifactsStack.BUCKET_NAME));
        ReleaseMigrationRecords records = new ReleaseMigrationRecords(s3.apply(artifacts.region()), progress);
        Serving now = Serving.of(live);
        List<ReleaseEntry> entries = new ArrayList<>();
        for (FunctionLookup.PublishedVersion version : functions.versions(api.region(), function)) {
            List<String> migrations = bucket.flatMap(b -> records.read(b, AwsServerlessDeployer.migrationsKey(
                    HexFormat.of().formatHex(Base64.getDecoder().decode(version.codeSha256()))))).orElse(List.of());
            entries.add(new ReleaseEntry(version.version(), lambdaTime(version.lastModified()), version.version().equals(now.live()),
                    migrations));
        }
        entries.sort(Comparator.comparing((ReleaseEntry e) -> Long.parseLong(e.id())).reversed());
        return entries;
    }

    /** What {@link #rollback} would do, for the confirmation: one change, the alias. */
    public Plan rollbackPlan(AppDescriptor descriptor, StackPlan plan, String digest, RollbackChoice choice) {
        StackSpec api = plan.stack(API);
        LiveStack live = liveApi(api);
        Serving now = Serving.of(live);
        LiveStackPlanner planner = new LiveStackPlanner(TARGET, stackSet.stacks(), s3, progress, clock);
        return planner.plan(descriptor, digest, List.of(PlannedChange.of(ALIAS_ADDRESS, "lambda-alias", Action.UPDATE,
                "alias " + ApiStack.ALIAS + ": version " + now.live() + " -> " + choice.target().id()
                        + " (no package is built and no release command runs; " + choice.databaseNote() + ")")),
                Map.of(api.name(), live.fingerprint()));
    }

    /** Lambda writes times as 2026-12-07T22:40:31.000+0000. */
    private static Optional<Instant> lambdaTime(String text) {
        try {
            return Optional.of(OffsetDateTime.parse(text, LAMBDA_TIME).toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The live api stack, settled; an operator message otherwise. */
    private LiveStack liveApi(StackSpec api) {
        return stackSet.stacks().status(api.name(), api.region()).filter(LiveStack::stable)
                .orElseThrow(() -> new ServerlessDeployException("stack " + api.name() + " (" + api.region() + ") is not deployed "
                        + "or not settled; there is nothing to roll back"));
    }
}
