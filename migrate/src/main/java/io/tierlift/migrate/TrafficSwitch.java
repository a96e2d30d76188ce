package io.tierlift.migrate;

/**
 * The two tiers' traffic controls as the migration uses them. On-prem, maintenance is an nginx flag
 * file on the proxy hosts; on AWS, the tier's own switch. Sending traffic is a DNS change when the
 * descriptor manages the record, otherwise printed instructions.
 */
public interface TrafficSwitch {
    /** Writes stop (true) or resume (false) on the given side's tier: it answers 503 with a maintenance page. */
    void maintenance(Side side, boolean on);

    /** Sends traffic to the given side's tier. */
    void switchTo(Side side);

    enum Side { SOURCE, TARGET }
}
