package io.tierlift.onprem.release;

import io.tierlift.model.Backend;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gunicorn, which the app hosts run the app with from the release's virtualenv. Flask apps often
 * leave it out of their requirements (their developers run {@code flask run}); the wheelhouse then
 * adds it at a version tierlift was tested with, so a missing server is known on the operator's
 * machine and not found by the first host that tries to start it.
 */
final class ServerRequirement {
    static final String PROJECT = "gunicorn";
    /** The version the rendered configuration and service units were checked against. */
    static final String PIN = PROJECT + "==26.2.0";
    // The project name at the start of a requirement line (PEP 508), before extras, markers or versions.
    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)");

    private ServerRequirement() {
    }

    /** The pin to add, when neither the requirements nor a Debian package (system-provided) bring gunicorn. */
    static Optional<String> toAdd(byte[] requirements, Set<String> systemProvided) {
        if (systemProvided.contains(PROJECT) || names(requirements)) {
            return Optional.empty();
        }
        return Optional.of(PIN);
    }

    /** The requirements with {@code pin} appended on a line of its own. */
    static byte[] with(byte[] requirements, String pin) {
        String text = new String(requirements, StandardCharsets.UTF_8);
        String separator = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
        return (text + separator + "# added by tierlift: the app hosts run the app with gunicorn\n" + pin + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static boolean names(byte[] requirements) {
        for (String line : new String(requirements, StandardCharsets.UTF_8).split("\n")) {
            String withoutComment = line.replaceFirst("(^|\\s)#.*", "").strip();
            Matcher name = NAME.matcher(withoutComment);
            if (name.find() && Backend.normalisedProject(name.group(1)).equals(PROJECT)) {
                return true;
            }
        }
        return false;
    }
}
