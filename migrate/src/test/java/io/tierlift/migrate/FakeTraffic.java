package io.tierlift.migrate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records what the migration asked of the traffic layer; the test writer obeys it like users
 * behind nginx would. Maintenance applies to the side named in the call.
 */
final class FakeTraffic implements TrafficSwitch {
    private volatile boolean sourceMaintenance;
    private volatile boolean targetMaintenance;
    volatile Side serving = Side.SOURCE;
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** Held by each in-flight write; maintenance waits for them, as nginx lets running requests finish. */
    final java.util.concurrent.locks.ReentrantReadWriteLock inFlight = new java.util.concurrent.locks.ReentrantReadWriteLock();

    @Override
    public void maintenance(Side side, boolean on) {
        calls.add("maintenance " + on + " on " + side);
        inFlight.writeLock().lock();
        try {
            if (side == Side.SOURCE) {
                sourceMaintenance = on;
            } else {
                targetMaintenance = on;
            }
        } finally {
            inFlight.writeLock().unlock();
        }
    }

    @Override
    public void switchTo(Side side) {
        calls.add("switch " + side);
        serving = side;
    }

    /** True when the serving tier refuses writes. */
    boolean writesBlocked() {
        return serving == Side.SOURCE ? sourceMaintenance : targetMaintenance;
    }
}
