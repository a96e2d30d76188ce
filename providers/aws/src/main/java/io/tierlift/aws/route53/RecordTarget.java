package io.tierlift.aws.route53;

import java.util.List;

/** What the app's name should resolve to: the on-prem edge's addresses, or a CloudFront distribution. */
public sealed interface RecordTarget {
    /** Plain A records, one value per proxy host (resolvers spread clients over them). */
    record Addresses(List<String> ipv4) implements RecordTarget {
        public Addresses {
            if (ipv4.isEmpty()) {
                throw new IllegalArgumentException("at least one address is needed");
            }
            ipv4 = List.copyOf(ipv4);
        }
    }

    /**
     * Alias records (A and AAAA) to a distribution's own name, e.g. d111111abcdef8.cloudfront.net.
     * An alias rather than a CNAME: it works at a zone's apex too, and keeps the record type A, so
     * switching between on-prem addresses and CloudFront is one UPSERT of the same record.
     */
    record CloudFrontAlias(String distributionDomain) implements RecordTarget {
    }
}
