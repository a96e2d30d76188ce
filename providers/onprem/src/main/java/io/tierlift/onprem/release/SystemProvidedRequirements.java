package io.tierlift.onprem.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierlift.model.Backend;
import io.tierlift.release.ReleaseException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requirements of an app whose hosts take some Python projects from Debian packages
 * ({@code backend.system_packages}): the requirements file without those projects, and the pins of
 * the rest of the dependency closure from a pip resolution report.
 */
final class SystemProvidedRequirements {
    /** The project a requirement line names: PEP 508's name, before any extra, version or marker. */
    private static final Pattern NAME = Pattern.compile("^\\s*([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)");

    private SystemProvidedRequirements() {
    }

    /** The file with the lines that name a provided project removed; other lines stay as written. */
    static byte[] without(byte[] requirements, Set<String> provided) {
        if (provided.isEmpty()) {
            return requirements;
        }
        StringBuilder kept = new StringBuilder();
        for (String line : new String(requirements, StandardCharsets.UTF_8).split("\n", -1)) {
            Matcher name = NAME.matcher(line);
            if (name.find() && provided.contains(Backend.normalisedProject(name.group(1)))) {
                kept.append("# provided by a Debian package (backend.system_packages): ").append(line.strip());
            } else {
                kept.append(line);
            }
            kept.append('\n');
        }
        kept.setLength(kept.length() - 1);
        return kept.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * {@code name==version} of each project pip's installation report (pip install --dry-run
     * --report) would install, except the provided ones, sorted by name.
     */
    static List<String> pinsFromReport(String reportJson, Set<String> provided) {
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(reportJson);
        } catch (java.io.IOException e) {
            throw new ReleaseException("wheelhouse: pip's resolution report is not JSON (" + e.getMessage() + ")");
        }
        List<String> pins = new ArrayList<>();
        for (JsonNode item : report.path("install")) {
            String name = item.path("metadata").path("name").asText("");
            String version = item.path("metadata").path("version").asText("");
            if (name.isEmpty() || version.isEmpty()) {
                throw new ReleaseException("wheelhouse: pip's resolution report has an entry without name or version: " + item);
            }
            if (!provided.contains(Backend.normalisedProject(name))) {
                pins.add(name + "==" + version);
            }
        }
        pins.sort(String.CASE_INSENSITIVE_ORDER);
        return pins;
    }
}
