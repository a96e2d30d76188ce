package io.tierlift.audit.aws;

import io.tierlift.audit.AuditRule;

import java.util.List;

/**
 * The rules over rendered CloudFormation templates. They key on resource types, so a new AWS tier
 * (aws-serverless) is audited by the same rules; tier-specific rules (e.g. for Lambda or Aurora)
 * are added here and apply wherever their resource types appear.
 */
public final class CloudFormationRules {
    public List<AuditRule> all() {
        return List.of(new StorageEncryptionRule(), new S3PublicAccessRule(), new OpenIngressRule(), new AlbOriginOnlyRule(),
                new ImdsV2Rule(), new RdsProtectionRule(), new CloudFrontWafRule(), new CloudFrontHttpsRule(),
                new IamLeastPrivilegeRule(), new OriginSecretRule(), new DatabaseStackPolicyRule(), new AppDatabaseRoleRule(),
                new PinnedImageRule(), new DatabaseBackupsRule());
    }
}
