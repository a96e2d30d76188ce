package io.tierlift.tier;

/**
 * A migration tier's provision step: the tier's deploy, run at most once per migration, because the
 * plan may already have deployed the tier to learn its database address before the provision step.
 */
public final class DeployOnce {
    private final Runnable deploy;
    private boolean done;

    public DeployOnce(Runnable deploy) {
        this.deploy = deploy;
    }

    public synchronized void run() {
        if (!done) {
            deploy.run();
            done = true;
        }
    }
}
