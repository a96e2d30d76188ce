package io.tierlift.onprem.deploy;

import java.util.ArrayList;
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

    public <H, T> Outcome<T> each(List<H> items, Function<H, String> name, Function<H, T> work) {
        List<Future<T>> futures = new ArrayList<>();
        for (H item : items) {
            futures.add(pool.submit(() -> work.apply(item)));
        }
        Map<String, T> results = new LinkedHashMap<>();
        Map<String, RuntimeException> failures = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String key = name.apply(items.get(i));
            try {
                results.put(key, futures.get(i).get());
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

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
