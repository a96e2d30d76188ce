package io.tierlift.migrate;

/** Where users' requests go. On-prem, maintenance is an nginx flag file; the switch is DNS or instructions. */
public interface TrafficSwitch {
    /** Writes stop (true) or resume (false) on the tier that currently serves. */
    void maintenance(boolean on);

    /** Sends traffic to the given side's tier. */
    void switchTo(Side side);

    enum Side { SOURCE, TARGET }
}
