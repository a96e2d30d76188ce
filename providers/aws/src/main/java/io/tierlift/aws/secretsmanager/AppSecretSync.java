package io.tierlift.aws.secretsmanager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.aws.StackSetException;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.EnvValue;
import io.tierlift.provider.Progress;
import io.tierlift.render.aws.iaas.AppSecret;
import io.tierlift.secret.SecretResolver;

import java.util.Map;
import java.util.TreeMap;

/**
 * Puts the app's secret variables (backend.env values that are secret references) into the app
 * secret the data stack creates, as one JSON object. CloudFormation creates that secret empty (a
 * template never holds a secret value), so both AWS tiers write it after the data stack and before
 * anything that reads it starts: EC2 instances at boot, the Lambda function at its first call.
 */
public final class AppSecretSync {
    private final SecretResolver secrets;
    private final AppSecretWriter writer;
    private final Progress progress;
    private final ObjectMapper mapper = new ObjectMapper();

    public AppSecretSync(SecretResolver secrets, AppSecretWriter writer, Progress progress) {
        this.secrets = secrets;
        this.writer = writer;
        this.progress = progress;
    }

    /** Writes the value when the app has secret variables; true when Secrets Manager got a new version. */
    public boolean write(AppDescriptor descriptor, String region, Map<String, String> dataStackOutputs) {
        Map<String, String> values = new TreeMap<>();
        descriptor.backend().env().forEach((name, value) -> {
            if (value instanceof EnvValue.Secret secret) {
                values.put(name, secrets.resolve(secret.ref()).reveal());
            }
        });
        if (values.isEmpty()) {
            return false;
        }
        String arn = dataStackOutputs.get(AppSecret.OUTPUT);
        if (arn == null) {
            throw new StackSetException("the data stack has no output " + AppSecret.OUTPUT
                    + " although the app has secret variables " + values.keySet());
        }
        try {
            boolean wrote = writer.write(region, arn, mapper.writeValueAsString(values));
            progress.step("secretsmanager", wrote ? "app secret written (" + values.size() + " variable(s): " + values.keySet() + ")"
                    : "app secret unchanged");
            return wrote;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
