package io.tierlift.render.onprem.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Database;
import io.tierlift.model.EnvValue;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.secret.SecretView;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API's environment as the JSON object envexec.py reads: {@code DATABASE_URL} (the primary),
 * {@code DATABASE_READ_URL} (the standby, when there is one) and the app's own
 * {@code backend.env}, secret ones resolved through the {@link SecretView}. Built with Jackson,
 * not a template, so any value is quoted correctly.
 */
public final class AppEnvironment {
    public static final String DATABASE_URL = "DATABASE_URL";
    public static final String DATABASE_READ_URL = "DATABASE_READ_URL";

    private final DatabaseUrls urls;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public AppEnvironment(DatabaseUrls urls) {
        this.urls = urls;
    }

    public Map<String, String> variables(AppDescriptor app, OnpremTarget target, SecretView secrets) {
        Database db = app.database();
        Host primary = target.firstWith(Role.DB_PRIMARY)
                .orElseThrow(() -> new IllegalArgumentException("no host has role db-primary"));
        String password = secrets.value(db.password());
        Map<String, String> env = new LinkedHashMap<>();
        env.put(DATABASE_URL, urls.url(db.user(), password, primary.address(), db.port(), db.name()));
        target.firstWith(Role.DB_STANDBY).ifPresent(standby ->
                env.put(DATABASE_READ_URL, urls.url(db.user(), password, standby.address(), db.port(), db.name())));
        // Sorted so the file (and its checksum in plans) does not depend on map iteration order.
        for (Map.Entry<String, EnvValue> entry : new TreeMap<>(app.backend().env()).entrySet()) {
            env.put(entry.getKey(), valueOf(entry.getValue(), secrets));
        }
        return env;
    }

    private static String valueOf(EnvValue value, SecretView secrets) {
        if (value instanceof EnvValue.Secret secret) {
            return secrets.value(secret.ref());
        }
        return ((EnvValue.Literal) value).value();
    }

    public String toJson(Map<String, String> variables) {
        try {
            return json.writeValueAsString(variables) + "\n";
        } catch (JsonProcessingException e) {
            // Only strings go in, so this cannot happen; keep the message free of values anyway.
            throw new IllegalStateException("could not write the app environment as JSON", e);
        }
    }
}
