package io.tierlift.provider;

/**
 * Where long operations report what they are doing, per host or stack. The CLI prints these to
 * stderr (or as JSON event lines); tests collect them.
 */
public interface Progress {
    void step(String scope, String message);

    default void warn(String scope, String message) {
        step(scope, "warning: " + message);
    }

    static Progress silent() {
        return (scope, message) -> {
        };
    }
}
