package io.tierlift.aws.cloudfront;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.Invalidation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Invalidates changed paths of a distribution after the site bucket was synced, so viewers get the
 * new index.html at once instead of when CloudFront's copy expires. Content-hashed assets are never
 * invalidated: a new build gives them new names. Paths go in batches of at most
 * {@link InvalidationSettings#batchSize()}; each batch is waited for with a bounded poll.
 * Throttling (Throttling, HTTP 5xx) is retried by the SDK client's own retry strategy.
 */
public final class CloudFrontInvalidator {
    private final Supplier<CloudFrontClient> client;
    private final InvalidationSettings settings;
    private final Progress progress;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Supplier<String> callerReference;
    private final AwsCalls aws = new AwsCalls("CloudFront");

    public CloudFrontInvalidator(Supplier<CloudFrontClient> client, InvalidationSettings settings, Progress progress,
                                 Sleeper sleeper, Clock clock) {
        this(client, settings, progress, sleeper, clock, () -> "tierlift-" + UUID.randomUUID());
    }

    /** {@code callerReference} makes each request unique (CloudFront treats a repeated reference as the same request). */
    CloudFrontInvalidator(Supplier<CloudFrontClient> client, InvalidationSettings settings, Progress progress,
                          Sleeper sleeper, Clock clock, Supplier<String> callerReference) {
        this.client = client;
        this.settings = settings;
        this.progress = progress;
        this.sleeper = sleeper;
        this.clock = clock;
        this.callerReference = callerReference;
    }

    /** Sends the invalidations and waits for them; no call at all when {@code paths} is empty. */
    public InvalidationResult invalidate(String distributionId, List<String> paths) {
        List<String> unique = new ArrayList<>(new LinkedHashSet<>(paths));
        if (unique.isEmpty()) {
            return InvalidationResult.none(distributionId);
        }
        String scope = "cloudfront " + distributionId;
        CloudFrontClient cloudFront = client.get();
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < unique.size(); from += settings.batchSize()) {
            List<String> batch = unique.subList(from, Math.min(unique.size(), from + settings.batchSize()));
            String reference = callerReference.get();
            Invalidation created = aws.call("CreateInvalidation", () -> cloudFront.createInvalidation(b -> b
                    .distributionId(distributionId)
                    .invalidationBatch(ib -> ib.callerReference(reference)
                            .paths(p -> p.quantity(batch.size()).items(batch))))).invalidation();
            ids.add(created.id());
            progress.step(scope, "invalidation " + created.id() + " of " + batch.size() + " path(s) "
                    + describe(batch) + ": " + created.status());
        }
        boolean completed = awaitCompletion(cloudFront, distributionId, ids, scope);
        return new InvalidationResult(distributionId, ids, unique, completed);
    }

    /** Polls until every invalidation is Completed or the wait runs out (then a warning, not a failure: it still completes). */
    private boolean awaitCompletion(CloudFrontClient cloudFront, String distributionId, List<String> ids, String scope) {
        Instant start = clock.instant();
        Instant deadline = start.plus(settings.timeout());
        List<String> pending = new ArrayList<>(ids);
        while (true) {
            for (String id : List.copyOf(pending)) {
                String status = aws.call("GetInvalidation", () -> cloudFront.getInvalidation(b -> b
                        .distributionId(distributionId).id(id))).invalidation().status();
                if ("Completed".equalsIgnoreCase(status)) {
                    pending.remove(id);
                    progress.step(scope, "invalidation " + id + " Completed after " + seconds(start) + " s");
                }
            }
            if (pending.isEmpty()) {
                return true;
            }
            if (!clock.instant().isBefore(deadline)) {
                progress.warn(scope, "invalidation(s) " + pending + " still in progress after " + seconds(start)
                        + " s; CloudFront finishes them on its own (aws cloudfront get-invalidation --distribution-id "
                        + distributionId + " --id " + pending.get(0) + ")");
                return false;
            }
            progress.step(scope, pending.size() + " invalidation(s) in progress (" + seconds(start) + " s)");
            try {
                sleeper.sleep(settings.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                progress.warn(scope, "stopped waiting for invalidation(s) " + pending + " (interrupted)");
                return false;
            }
        }
    }

    private long seconds(Instant start) {
        return Duration.between(start, clock.instant()).toSeconds();
    }

    private static String describe(List<String> batch) {
        return batch.size() <= 5 ? batch.toString() : batch.subList(0, 5) + " and " + (batch.size() - 5) + " more";
    }
}
