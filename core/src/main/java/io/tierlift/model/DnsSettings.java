package io.tierlift.model;

/**
 * The public DNS record tierlift points at whichever tier serves the app, so that a migration's
 * last step moves users without anyone editing DNS by hand.
 *
 * @param provider   who hosts the zone; Route 53 is the only one so far
 * @param zoneId     the hosted zone holding {@code name}
 * @param name       the record users type (the site's name)
 * @param ttlSeconds TTL of plain records (on-prem addresses); an alias record to CloudFront has
 *                   none of its own, Route 53 answers with CloudFront's
 */
public record DnsSettings(String provider, String zoneId, String name, int ttlSeconds) {
    public static final String ROUTE53 = "route53";
}
