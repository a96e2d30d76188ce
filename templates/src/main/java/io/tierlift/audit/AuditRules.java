package io.tierlift.audit;

import io.tierlift.audit.aws.CloudFormationRules;
import io.tierlift.audit.onprem.OnpremRules;
import io.tierlift.provider.Target;

import java.util.List;

/** Which rules audit which target. */
public final class AuditRules {
    public List<AuditRule> forTarget(Target target) {
        return switch (target) {
            case ONPREM -> new OnpremRules().all();
            case AWS_IAAS, AWS_SERVERLESS -> new CloudFormationRules().all();
        };
    }
}
