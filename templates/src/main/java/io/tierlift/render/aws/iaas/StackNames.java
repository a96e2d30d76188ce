package io.tierlift.render.aws.iaas;

/** Names derived from the app and environment: stacks are {@code <app>-<env>-<stack>}. */
record StackNames(String app, String environment) {
    String prefix() {
        return app + "-" + environment;
    }

    String stack(String key) {
        return prefix() + "-" + key;
    }

    /** A name for a named resource (account-wide unique ones such as WebACLs and OACs). */
    String resource(String suffix) {
        return prefix() + "-" + suffix;
    }
}
