package io.tierlift.release;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Backend;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gunicorn, which the app hosts (on-prem and EC2) run the app with from the release's virtualenv. Flask apps often
 * leave it out of their requirements (their developers run {@code flask run}); the wheelhouse then
 * (and the EC2 boot script) add it at a version tierlift was tested with, so a missing server is known on the operator's
 * machine and not found by the first host that tries to start it.
 */
public final class ServerRequirement {
    public static final String PROJECT = "gunicorn";
    /** The version the rendered configuration and service units were checked against. */
    public static final String PIN = PROJECT + "==26.2.0";
    // The project name at the start of a requirement line (PEP 508), before extras, markers or versions.
    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)");

    private ServerRequirement() {
    }

    /** The pin to add, when neither the requirements nor a Debian package (system-provided) bring gunicorn. */
    public static Optional<String> toAdd(byte[] requirements, Set<String> systemProvided) {
        if (systemProvided.contains(PROJECT) || names(requirements)) {
            return Optional.empty();
        }
        return Optional.of(PIN);
    }

    /**
     * The pin an EC2 instance adds to the app's requirements (no Debian packages there). Requirements
     * that can't be read here count as lacking it: such an app is refused by the app check before
     * any deploy.
     */
    public static Optional<String> toAdd(AppDescriptor d) {
        Path file = d.baseDir().resolve(d.backend().path()).resolve(d.backend().requirements()).normalize();
        byte[] requirements = new byte[0];
        try {
            requirements = Files.isRegularFile(file) ? RequirementsFile.read(file) : requirements;
        } catch (ReleaseException e) {
            // A pyproject.toml without readable dependencies: validate, plan and deploy refuse it at its key.
        }
        return toAdd(requirements, Set.of());
    }

    /** What a plan or a build says when {@link #toAdd(AppDescriptor)} adds the pin. */
    public static String addedNote(AppDescriptor d, String pin) {
        return PROJECT + " is not in " + Path.of(d.backend().path()).resolve(d.backend().requirements()).normalize()
                + "; the virtualenv adds " + pin + " (the app runs with it)";
    }

    /** The requirements with {@code pin} appended on a line of its own. */
    public static byte[] with(byte[] requirements, String pin) {
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
