package io.tierlift.audit.onprem;

import io.tierlift.audit.AuditRule;

import java.util.List;

/** The on-prem rule set, in the order docs/audit.md lists it. */
public final class OnpremRules {
    public List<AuditRule> all() {
        return List.of(new TlsProtocolsRule(), new TlsCiphersRule(), new SecurityHeadersRule(), new WafEnabledRule(),
                new WafBlockingRule(), new PrivateBindRule(), new HbaMethodRule(), new HbaAddressRule(),
                new ReplicationSslRule(), new FileModesRule(), new FirewallPolicyRule(), new SshAdminNetworksRule(),
                new DatabaseBackupsRule());
    }
}
