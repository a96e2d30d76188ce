package io.tierlift.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the app: inserts notes continuously into whichever database serves, stops while
 * maintenance is on, and remembers every committed id per side and the longest pause in writes.
 */
final class AppWriter implements Runnable {
    record Written(TrafficSwitch.Side side, long id) {
    }

    private final FakeTraffic traffic;
    private final Callable<Connection> source;
    private final Callable<Connection> target;
    final List<Written> written = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile boolean stop;
    private volatile long longestGapMillis;
    private Thread thread;

    AppWriter(FakeTraffic traffic, Callable<Connection> source, Callable<Connection> target) {
        this.traffic = traffic;
        this.source = source;
        this.target = target;
    }

    void start() {
        thread = new Thread(this, "app-writer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }

    long longestGapMillis() {
        return longestGapMillis;
    }

    long count(TrafficSwitch.Side side) {
        return written.stream().filter(w -> w.side() == side).count();
    }

    @Override
    public void run() {
        lastWrite = System.nanoTime();
        while (!stop) {
            try {
                traffic.inFlight.readLock().lock();
                try {
                    if (traffic.writesBlocked()) {
                        Thread.sleep(1);
                        continue;
                    }
                    insert();
                } finally {
                    traffic.inFlight.readLock().unlock();
                }
                Thread.sleep(3);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                errors.add(e.getMessage());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        close(src);
        close(tgt);
    }

    private Connection src;
    private Connection tgt;
    private long lastWrite = System.nanoTime();
    private int n;

    private void insert() throws Exception {
        TrafficSwitch.Side side = traffic.serving;
        Connection c;
        if (side == TrafficSwitch.Side.SOURCE) {
            c = src == null ? (src = source.call()) : src;
        } else {
            c = tgt == null ? (tgt = target.call()) : tgt;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO notes(body, tags) VALUES (?, ?::jsonb) RETURNING id")) {
            ps.setString(1, "note " + n++ + " via " + side);
            ps.setString(2, "{\"n\": " + n + "}");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                written.add(new Written(side, rs.getLong(1)));
            }
        }
        long now = System.nanoTime();
        longestGapMillis = Math.max(longestGapMillis, (now - lastWrite) / 1_000_000);
        lastWrite = now;
    }

    private static void close(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // the test is over
        }
    }
}
