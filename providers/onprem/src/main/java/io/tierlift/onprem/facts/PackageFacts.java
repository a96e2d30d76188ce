package io.tierlift.onprem.facts;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Debian packages a host was asked about: those installed, and (read only when some are
 * missing) what the host's own package sources offer for the others. {@code listsPresent} is false
 * on a machine whose package lists were never downloaded, where no candidate can be known yet.
 */
public record PackageFacts(Set<String> installed, Map<String, String> candidates, boolean listsPresent) {
    private static final String NONE = "(none)";

    public PackageFacts {
        installed = Set.copyOf(installed);
        candidates = Map.copyOf(candidates);
    }

    public static PackageFacts installed(Set<String> installed) {
        return new PackageFacts(installed, Map.of(), true);
    }

    public List<String> missing(List<String> wanted) {
        return wanted.stream().filter(p -> !installed.contains(p)).toList();
    }

    /** The version the host's sources would install, empty when they offer none. */
    public Optional<String> candidate(String name) {
        return Optional.ofNullable(candidates.get(name)).filter(v -> !v.equals(NONE));
    }

    /** Missing packages the sources do not offer: knowable only once the package lists are there. */
    public List<String> unavailable(List<String> wanted) {
        return listsPresent ? missing(wanted).stream().filter(p -> candidate(p).isEmpty()).toList() : List.of();
    }

    public PackageFacts withCandidates(Map<String, String> found, boolean lists) {
        return new PackageFacts(installed, found, lists);
    }
}
