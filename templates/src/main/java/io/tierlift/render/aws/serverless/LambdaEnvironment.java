package io.tierlift.render.aws.serverless;

import io.tierlift.tier.TierFailure;
import io.tierlift.model.Backend;
import io.tierlift.model.EnvValue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The function's environment. It holds no secret value: the app's literal variables, where the
 * database is (proxy host, port, name) and the ARNs of the secrets the adapter reads at cold start,
 * with the names of the app's secret variables (names are not secret; their values live in the
 * app secret the deployer fills).
 */
final class LambdaEnvironment {
    static final String DB_SECRET_ARN = "TIERLIFT_DB_SECRET_ARN";
    static final String APP_DB_SECRET_ARN = "TIERLIFT_APP_DB_SECRET_ARN";
    static final String DB_HOST = "TIERLIFT_DB_HOST";
    static final String DB_PORT = "TIERLIFT_DB_PORT";
    static final String DB_NAME = "TIERLIFT_DB_NAME";
    static final String APP_SECRET_ARN = "TIERLIFT_APP_SECRET_ARN";
    static final String APP_SECRET_NAMES = "TIERLIFT_APP_SECRET_NAMES";
    /** The origin secret, whose current and previous values the adapter accepts. */
    static final String ORIGIN_SECRET_ARN = "TIERLIFT_ORIGIN_SECRET_ARN";
    /** Lambda refuses more than 4 KB of variables, names and values together. */
    static final int LIMIT_BYTES = 4 * 1024;
    /** Room kept for the values CloudFormation fills in (ARNs, the proxy's host name). */
    private static final int REFERENCE_ALLOWANCE = 160;

    private LambdaEnvironment() {
    }

    /**
     * The variables, sorted by name. {@code tierlift} holds ours (plain text or CloudFormation
     * references); the app's literal variables are added after checking that Lambda and the
     * adapter leave them alone.
     */
    static Map<String, Object> build(Backend backend, Map<String, Object> tierlift) {
        Map<String, Object> variables = new TreeMap<>(tierlift);
        List<String> secretNames = backend.secretEnvNames();
        if (!secretNames.isEmpty()) {
            variables.put(APP_SECRET_NAMES, String.join(",", secretNames));
        }
        new TreeMap<>(backend.env()).forEach((name, value) -> {
            checkName(name);
            if (value instanceof EnvValue.Literal literal) {
                variables.put(name, literal.value());
            }
        });
        checkSize(variables);
        return variables;
    }

    /** Lambda reserves AWS_*, LAMBDA_* and _*; TIERLIFT_* and DATABASE_URL are the adapter's. */
    private static void checkName(String name) {
        if (name.startsWith("AWS_") || name.startsWith("LAMBDA_") || name.startsWith("_")) {
            throw new TierFailure("backend.env." + name + ": Lambda reserves variables starting with AWS_, "
                    + "LAMBDA_ or _ for itself; rename it");
        }
        if (name.startsWith("TIERLIFT_") || name.equals("DATABASE_URL")) {
            throw new TierFailure("backend.env." + name + ": on aws-serverless the adapter sets " + name
                    + " itself (from the database and app secrets); remove it");
        }
    }

    private static void checkSize(Map<String, Object> variables) {
        int size = 0;
        for (Map.Entry<String, Object> e : variables.entrySet()) {
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length;
            size += e.getValue() instanceof String text ? text.getBytes(StandardCharsets.UTF_8).length : REFERENCE_ALLOWANCE;
        }
        if (size > LIMIT_BYTES) {
            throw new TierFailure("backend.env: the function's variables come to about " + size
                    + " bytes; Lambda accepts at most " + LIMIT_BYTES + " (names and values together). Move large values "
                    + "into files of the backend, or make them secret references (those are read from Secrets Manager)");
        }
    }
}
