package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;
import io.tierlift.model.Host;

import java.util.List;

/** ModSecurity blocks (SecRuleEngine On) rather than only logging what it would have blocked. */
final class WafBlockingRule extends OnpremRule {
    WafBlockingRule() {
        super("onprem.waf-blocking", Severity.HIGH, "ModSecurity blocks attacks (SecRuleEngine On)",
                "end the learning period: tune the exclusions with `tierlift waf report`, then set targets.onprem.waf.mode: block (renders 'SecRuleEngine On')");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        for (Host host : files.hosts()) {
            List<OnpremFiles.Line> lines = files.modsecurity(host.name());
            if (lines.isEmpty()) {
                continue; // no ModSecurity here: onprem.waf-enabled says whether that is wrong
            }
            OnpremFiles.Line last = null;
            for (OnpremFiles.Line line : lines) {
                if (line.text().split("\\s+")[0].equalsIgnoreCase("SecRuleEngine")) {
                    last = line;
                }
            }
            if (last == null) {
                findings.add(finding(Where.host(host.name()), "no SecRuleEngine setting: ModSecurity's default is DetectionOnly"));
            } else if (!last.text().split("\\s+")[1].equals("On")) {
                findings.add(at(host.name(), last, "ModSecurity only detects (waf.mode: detect): '" + last.text()
                        + "' logs attacks but lets them through"));
            }
        }
    }
}
