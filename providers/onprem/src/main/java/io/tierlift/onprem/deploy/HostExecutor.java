package io.tierlift.onprem.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs one piece of work per host with bounded parallelism, collecting every host's failure. */
public final class HostExecutor implements AutoCloseable {
    private final ExecutorService pool;

    public HostExecutor(int parallelism) {
        this.pool = Executors.newFixedThreadPool(Math.max(1, parallelism), runnable -> {
            Thread thread = new Thread(runnable, "tierlift-host");
            thread.setDaemon(true);
            return thread;
        });
    }

    public record Outcome<T>(Map<String, T> results, Map<String, RuntimeException> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }

        public void throwIfFailed() {
            if (!failures.isEmpty()) {
                throw failures.values().iterator().next();
            }
        }
    }

    /** Runs the work on every item and waits for all of them. */
    public <H, T> Outcome<T> each(List<H> items, Function<H, String> name, Function<H, T> work) {
        return start(items, name, work).await();
    }

    /**
     * Starts the work on every item and returns at once, so the caller can do other things (render,
     * build releases) while the hosts answer; {@link Pending#await} collects the outcome.
     */
    public <H, T> Pending<T> start(List<H> items, Function<H, String> name, Function<H, T> work) {
        Map<String, Future<T>> futures = new LinkedHashMap<>();
        for (H item : items) {
            futures.put(name.apply(item), pool.submit(() -> work.apply(item)));
        }
        return new Pending<>(futures);
    }

    /** Work started on every host, not yet collected. */
    public static final class Pending<T> {
        private final Map<String, Future<T>> futures;

        private Pending(Map<String, Future<T>> futures) {
            this.futures = futures;
        }

        /** Waits for every host, in the order the work was started, and collects results and failures. */
        public Outcome<T> await() {
            Map<String, T> results = new LinkedHashMap<>();
            Map<String, RuntimeException> failures = new LinkedHashMap<>();
            for (Map.Entry<String, Future<T>> entry : futures.entrySet()) {
                String key = entry.getKey();
                try {
                    results.put(key, entry.getValue().get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    failures.put(key, cause instanceof RuntimeException r ? r : new HostFailure(key, String.valueOf(cause)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.put(key, new HostFailure(key, "interrupted"));
                }
            }
            return new Outcome<>(results, failures);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
