package io.tierlift.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves {@code env} and {@code file} references from this machine. {@code aws-sm} references
 * are delegated so that only AWS-aware commands pull in an AWS client.
 */
public final class LocalSecretResolver implements SecretResolver {
    private final Map<String, String> environment;
    private final Path baseDir;
    private final Function<SecretRef, SecretValue> awsSecrets;

    public LocalSecretResolver(Map<String, String> environment, Path baseDir, Function<SecretRef, SecretValue> awsSecrets) {
        this.environment = Map.copyOf(environment);
        this.baseDir = baseDir;
        this.awsSecrets = awsSecrets;
    }

    public static LocalSecretResolver fromProcess(Path baseDir) {
        return new LocalSecretResolver(System.getenv(), baseDir, ref -> {
            throw new SecretUnavailableException(ref, "AWS Secrets Manager references are resolved by the AWS targets only");
        });
    }

    @Override
    public SecretValue resolve(SecretRef ref) {
        return switch (ref.kind()) {
            case ENV -> {
                String value = environment.get(ref.locator());
                if (value == null || value.isEmpty()) {
                    throw new SecretUnavailableException(ref, "environment variable " + ref.locator() + " is not set");
                }
                yield new SecretValue(ref, value);
            }
            case FILE -> {
                Path path = expandHome(ref.locator());
                try {
                    String text = Files.readString(path, StandardCharsets.UTF_8);
                    // A trailing newline is an artifact of how the file was written, not part of the secret.
                    yield new SecretValue(ref, text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
                } catch (IOException e) {
                    throw new SecretUnavailableException(ref, "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
                }
            }
            case AWS_SM -> awsSecrets.apply(ref);
        };
    }

    private Path expandHome(String locator) {
        if (locator.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(locator.substring(2));
        }
        return baseDir.resolve(locator);
    }
}
