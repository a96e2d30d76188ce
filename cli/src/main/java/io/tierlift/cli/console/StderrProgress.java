package io.tierlift.cli.console;

import io.tierlift.provider.Progress;

/** Progress lines on stderr: {@code [  12.3s] edge1    | nginx reloaded}. Silent with --quiet. */
public final class StderrProgress implements Progress {
    private final Console console;
    private final long start = System.nanoTime();

    public StderrProgress(Console console) {
        this.console = console;
    }

    @Override
    public synchronized void step(String scope, String message) {
        double seconds = (System.nanoTime() - start) / 1e9;
        console.info(String.format("[%6.1fs] %-10s | %s", seconds, scope, message));
    }
}
