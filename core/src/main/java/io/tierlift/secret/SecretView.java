package io.tierlift.secret;

/**
 * What a renderer sees of a secret. Rendering for review ({@code render -o}, plan diffs) uses
 * {@link #masked()}, which yields a harmless stand-in; rendering for placement on a host uses
 * {@link #resolving(SecretResolver)}. The same templates serve both, so what is reviewed is
 * exactly what is placed, minus the secret.
 */
public interface SecretView {
    String value(SecretRef ref);

    /** True when values are stand-ins, not secrets. */
    boolean isMasked();

    static SecretView masked() {
        return new SecretView() {
            @Override
            public String value(SecretRef ref) {
                return maskFor(ref);
            }

            @Override
            public boolean isMasked() {
                return true;
            }
        };
    }

    static SecretView resolving(SecretResolver resolver) {
        return new SecretView() {
            @Override
            public String value(SecretRef ref) {
                return resolver.resolve(ref).reveal();
            }

            @Override
            public boolean isMasked() {
                return false;
            }
        };
    }

    /** A stand-in made of characters every config syntax accepts unquoted. */
    static String maskFor(SecretRef ref) {
        return "tierlift-secret-" + ref.kind().key() + "-" + ref.locator().replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
