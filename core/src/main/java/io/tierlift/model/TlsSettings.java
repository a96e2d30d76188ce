package io.tierlift.model;

import io.tierlift.secret.SecretRef;

/** Certificate path on the edge host and the private key as a secret reference. */
public record TlsSettings(String certificate, SecretRef key) {
}
