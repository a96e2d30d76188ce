package io.tierlift.audit.aws;

import io.tierlift.audit.AuditInput;
import io.tierlift.audit.AuditRule;
import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.audit.Where;

import java.util.ArrayList;
import java.util.List;

/** Common shape of the CloudFormation rules: they look at the rendered templates' resources. */
abstract class CfnRule implements AuditRule {
    private final String id;
    private final Severity severity;
    private final String summary;
    private final String fix;

    CfnRule(String id, Severity severity, String summary, String fix) {
        this.id = id;
        this.severity = severity;
        this.summary = summary;
        this.fix = fix;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String fix() {
        return fix;
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
