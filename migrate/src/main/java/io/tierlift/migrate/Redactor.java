package io.tierlift.migrate;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers every secret value this run revealed and blanks them out of any text that leaves the
 * mover (error messages from servers and tools), as a second line of defence behind never
 * putting them there.
 */
public final class Redactor {
    private final Set<String> values = ConcurrentHashMap.newKeySet();

    public void remember(String secret) {
        if (secret != null && !secret.isEmpty()) {
            values.add(secret);
        }
    }

    public String scrub(String text) {
        if (text == null) {
            return "";
        }
        String out = text;
        for (String value : values) {
            out = out.replace(value, "***");
        }
        return out;
    }
}
