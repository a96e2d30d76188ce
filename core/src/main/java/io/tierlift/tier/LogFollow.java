package io.tierlift.tier;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ends a following {@code logs}: whoever wants it over (the CLI on Ctrl-C) calls {@link #stop()} and may
 * wait in {@link #awaitFinished(Duration)} until the tier has stopped everything it started, which
 * the tier reports with {@link #finished()}.
 */
public final class LogFollow {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    public void stop() {
        stop.countDown();
    }

    public boolean stopped() {
        return stop.getCount() == 0;
    }

    /** Waits up to {@code timeout} for {@link #stop()}; true when it was called. */
    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void finished() {
        finished.countDown();
    }

    /** Waits up to {@code timeout} for the tier to finish; true when it did. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
