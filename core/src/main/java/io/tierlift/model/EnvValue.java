package io.tierlift.model;

import io.tierlift.secret.SecretRef;

/** A value of an app environment variable: literal text or a secret reference. */
public sealed interface EnvValue permits EnvValue.Literal, EnvValue.Secret {
    record Literal(String value) implements EnvValue {
    }

    record Secret(SecretRef ref) implements EnvValue {
    }
}
