package io.tierlift.render.onprem.edge;

import io.tierlift.model.WafExclusion;
import io.tierlift.render.engine.UnsafeValueException;

import java.util.ArrayList;
import java.util.List;

/** The view of {@code exclusions.conf}: one numbered runtime rule per exclusion of the descriptor. */
final class WafExclusionRules {
    private WafExclusionRules() {
    }

    static NginxViews.WafExclusions of(List<WafExclusion> exclusions) {
        int first = EdgeTopology.WAF_EXCLUSION_FIRST_ID;
        int last = EdgeTopology.WAF_EXCLUSION_LAST_ID;
        if (exclusions.size() > last - first + 1) {
            throw new UnsafeValueException("ModSecurity", "at most " + (last - first + 1) + " WAF exclusions fit the ids "
                    + first + "-" + last + ", got " + exclusions.size());
        }
        List<NginxViews.WafExclusionRule> rules = new ArrayList<>();
        for (int i = 0; i < exclusions.size(); i++) {
            WafExclusion exclusion = exclusions.get(i);
            boolean byId = exclusion.ruleId().isPresent();
            String rule = byId ? String.valueOf(exclusion.ruleId().get()) : exclusion.tag().orElseThrow();
            rules.add(new NginxViews.WafExclusionRule(first + i, byId ? "ruleRemoveTargetById" : "ruleRemoveTargetByTag",
                    rule, exclusion.target(), exclusion.pathPrefix().orElse(""), exclusion.pathPrefix().isEmpty()));
        }
        return new NginxViews.WafExclusions(first, last, rules);
    }
}
