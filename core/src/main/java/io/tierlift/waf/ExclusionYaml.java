package io.tierlift.waf;

import io.tierlift.model.WafExclusion;

import java.util.List;

/**
 * Exclusions as descriptor YAML, to paste under {@code targets.onprem.waf}. Targets and paths are
 * the validated formats (no quote, colon-space or '#' can occur), so each fits a flow mapping as is.
 */
public final class ExclusionYaml {
    private ExclusionYaml() {
    }

    /** {@code exclusions:} and one item per line, indented two spaces under it. */
    public static String block(List<WafExclusion> exclusions) {
        StringBuilder out = new StringBuilder("exclusions:\n");
        exclusions.forEach(e -> out.append("  ").append(item(e)).append('\n'));
        return out.toString();
    }

    public static String item(WafExclusion e) {
        String rule = e.ruleId().map(id -> "rule: " + id).orElseGet(() -> "tag: " + e.tag().orElseThrow());
        return "- { " + rule + ", target: \"" + e.target() + "\"" + e.pathPrefix().map(p -> ", path: " + p).orElse("") + " }";
    }
}
