package io.tierlift.audit.aws;

import io.tierlift.audit.AuditInput;
import io.tierlift.audit.DescribedRule;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;

import java.util.ArrayList;
import java.util.List;

/** Common shape of the CloudFormation rules: they look at the rendered templates' resources. */
abstract class CfnRule extends DescribedRule {
    CfnRule(String id, Severity severity, String summary, String fix) {
        super(id, severity, summary, fix);
    }

    @Override
    public final List<Finding> check(AuditInput input) {
        List<Finding> findings = new ArrayList<>();
        check(new CfnTemplates(input), findings);
        return findings;
    }

    abstract void check(CfnTemplates templates, List<Finding> findings);

    Finding at(CfnResource resource, String what) {
        return finding(Where.resource(resource.stack(), resource.logicalId()), what);
    }
}
