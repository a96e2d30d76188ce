package io.tierlift.model;

import java.util.Optional;

/**
 * One CRS rule exclusion: the rule (by id, or every rule with a tag) no longer inspects one target
 * (e.g. {@code ARGS:json.body}), on every path or only on paths starting with {@code pathPrefix}.
 * Exactly one of {@code ruleId} and {@code tag} is present.
 */
public record WafExclusion(Optional<Integer> ruleId, Optional<String> tag, String target, Optional<String> pathPrefix) {
    public static WafExclusion byId(int ruleId, String target, Optional<String> pathPrefix) {
        return new WafExclusion(Optional.of(ruleId), Optional.empty(), target, pathPrefix);
    }

    public static WafExclusion byTag(String tag, String target, Optional<String> pathPrefix) {
        return new WafExclusion(Optional.empty(), Optional.of(tag), target, pathPrefix);
    }
}
