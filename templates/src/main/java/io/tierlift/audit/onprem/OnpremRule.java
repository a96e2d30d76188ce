package io.tierlift.audit.onprem;

import io.tierlift.audit.AuditInput;
import io.tierlift.audit.DescribedRule;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;

import java.util.ArrayList;
import java.util.List;

/** Common shape of the on-prem rules: they run only when the descriptor describes the tier. */
abstract class OnpremRule extends DescribedRule {
    OnpremRule(String id, Severity severity, String summary, String fix) {
        super(id, severity, summary, fix);
    }

    @Override
    public final List<Finding> check(AuditInput input) {
        if (input.app().targets().onprem().isEmpty()) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        check(new OnpremFiles(input), findings);
        return findings;
    }

    abstract void check(OnpremFiles files, List<Finding> findings);

    Finding at(String host, OnpremFiles.Line line, String what) {
        return finding(Where.file(host, line.path(), line.number()), what);
    }

    Finding at(String host, OnpremFiles.Located located, String what) {
        return finding(Where.file(host, located.path(), located.directive().line()), what);
    }
}
