package io.tierlift.aws.secretsmanager;

/** Writes the app secret's JSON value (PutSecretValue); an interface so tests can see what was written. */
public interface AppSecretWriter {
    /** Writes {@code json} unless the secret already holds exactly it; true when it wrote. */
    boolean write(String region, String secretArn, String json);
}
