package io.tierlift.tier;

import io.tierlift.provider.Target;

import java.io.PrintWriter;
import java.util.List;

/**
 * The descriptor's managed DNS record ({@code dns:}), which a migration tier's takeTraffic points at
 * itself. One implementation (Route 53, in the AWS provider) serves every tier, so the on-prem tier
 * reaches it through this port rather than through the AWS provider.
 */
public interface DnsRecord extends AutoCloseable {
    /** Points the name at {@code addresses} (A records) and reports on {@code out}. */
    void pointAt(Target tier, List<String> addresses, PrintWriter out);

    /** Points the name at a CloudFront distribution (alias records) and reports on {@code out}. */
    void pointAtCloudFront(Target tier, String distributionDomain, PrintWriter out);

    @Override
    void close();
}
