package io.tierlift.onprem.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Collects stderr up to a cap, keeping its start and its end (where errors usually are), and
 * reports when JSch closes it, which happens when the channel closes.
 */
final class StderrBuffer extends OutputStream {
    private final int cap;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final byte[] tail;
    private int tailLength;
    private int tailStart;
    private long dropped;
    private final CountDownLatch closed = new CountDownLatch(1);

    StderrBuffer(int cap) {
        this.cap = cap;
        this.tail = new byte[cap / 4];
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int headRoom = cap - tail.length - head.size();
        int toHead = Math.max(0, Math.min(headRoom, len));
        head.write(b, off, toHead);
        for (int i = off + toHead; i < off + len; i++) {
            if (tailLength == tail.length) {
                tailStart = (tailStart + 1) % tail.length;
                tailLength--;
                dropped++;
            }
            tail[(tailStart + tailLength) % tail.length] = b[i];
            tailLength++;
        }
    }

    @Override
    public void close() {
        closed.countDown();
    }

    boolean awaitClosed(long millis) throws InterruptedException {
        return closed.await(millis, TimeUnit.MILLISECONDS);
    }

    synchronized String text() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(head.toByteArray());
        if (dropped > 0) {
            all.writeBytes(("\n[... " + dropped + " bytes of stderr left out ...]\n").getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < tailLength; i++) {
            all.write(tail[(tailStart + i) % tail.length]);
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
