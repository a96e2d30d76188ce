package io.tierlift.aws.route53;

import io.tierlift.aws.client.AwsCalls;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.provider.Progress;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.AliasTarget;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeInfo;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Points one name of a Route 53 hosted zone at a tier, in one atomic change batch, and waits until
 * Route 53 reports the change INSYNC (every one of its name servers answers the new records;
 * resolvers still hold the old answer for up to its TTL).
 *
 * <p>The name ends up with exactly the wanted A (and, for CloudFront, AAAA) records: a CNAME at the
 * name is deleted in the same batch (it can't coexist with an A record), and so is an AAAA record
 * when the new tier has no IPv6 address (it would keep sending IPv6 clients to the old tier).
 * Other types (MX, TXT, ...) are left alone. Records with a routing policy (weighted, latency, ...)
 * are not tierlift's to replace: the switch stops and says so.
 */
public final class Route53RecordSwitch {
    /** The hosted zone id of every CloudFront distribution, fixed by AWS, that alias targets name. */
    public static final String CLOUDFRONT_ZONE = "Z2FDTNDATAQYW2";

    private final Supplier<Route53Client> client;
    private final Progress progress;
    private final Sleeper sleeper;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration timeout;
    private final AwsCalls aws = new AwsCalls("Route 53");

    public Route53RecordSwitch(Supplier<Route53Client> client, Progress progress, Sleeper sleeper, Clock clock,
                               Duration pollInterval, Duration timeout) {
        this.client = client;
        this.progress = progress;
        this.sleeper = sleeper;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.timeout = timeout;
    }

    /** Route 53 usually reports INSYNC within a minute; polling every 5 s, waiting 5 min at most. */
    public static Route53RecordSwitch withDefaults(Supplier<Route53Client> client, Progress progress) {
        return new Route53RecordSwitch(client, progress, Sleeper.system(), Clock.systemUTC(), Duration.ofSeconds(5),
                Duration.ofMinutes(5));
    }

    /**
     * Makes {@code name} in {@code zoneId} resolve to {@code target}; {@code ttl} applies to plain
     * records. {@code comment} is kept by Route 53 with the change (e.g. which tier took traffic).
     */
    public SwitchResult point(String zoneId, String name, int ttl, RecordTarget target, String comment) {
        String fqdn = fqdn(name);
        String scope = "route53 " + fqdn;
        Route53Client route53 = client.get();
        List<ResourceRecordSet> existing = recordsNamed(route53, zoneId, fqdn);
        for (ResourceRecordSet record : existing) {
            if (record.setIdentifier() != null) {
                throw new Route53Exception(fqdn + " has " + record.typeAsString() + " records with a routing policy (set "
                        + "identifier '" + record.setIdentifier() + "'); tierlift only replaces simple records. Remove them "
                        + "or point the name yourself");
            }
        }
        List<ResourceRecordSet> wanted = wanted(fqdn, ttl, target);
        Set<RRType> wantedTypes = wanted.stream().map(ResourceRecordSet::type).collect(Collectors.toSet());
        List<Change> changes = new ArrayList<>();
        for (ResourceRecordSet record : existing) {
            boolean conflicting = record.type() == RRType.CNAME
                    || (record.type() == RRType.A || record.type() == RRType.AAAA) && !wantedTypes.contains(record.type());
            if (conflicting) {
                changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(record).build());
            }
        }
        for (ResourceRecordSet record : wanted) {
            Optional<ResourceRecordSet> now = existing.stream().filter(e -> e.type() == record.type()).findFirst();
            if (now.isEmpty() || !same(now.get(), record)) {
                changes.add(Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(record).build());
            }
        }
        List<String> described = changes.stream().map(Route53RecordSwitch::describe).toList();
        if (changes.isEmpty()) {
            progress.step(scope, "already points at " + describe(target) + "; nothing to change");
            return new SwitchResult(fqdn, described, Optional.empty(), "INSYNC", Duration.ZERO);
        }
        described.forEach(line -> progress.step(scope, line));
        ChangeInfo sent = aws.call("ChangeResourceRecordSets", () -> route53.changeResourceRecordSets(b -> b
                .hostedZoneId(zoneId)
                .changeBatch(batch -> batch.comment(comment).changes(changes)))).changeInfo();
        String id = bareId(sent.id());
        progress.step(scope, "change " + id + " " + sent.statusAsString());
        return awaitInSync(route53, fqdn, described, id, sent.statusAsString(), scope);
    }

    private SwitchResult awaitInSync(Route53Client route53, String fqdn, List<String> described, String id, String status,
                                     String scope) {
        Instant start = clock.instant();
        Instant deadline = start.plus(timeout);
        String last = status;
        while (!"INSYNC".equals(last)) {
            if (!clock.instant().isBefore(deadline)) {
                progress.warn(scope, "change " + id + " is still " + last + " after " + elapsed(start).toSeconds()
                        + " s; Route 53 finishes it on its own (aws route53 get-change --id " + id + ")");
                return new SwitchResult(fqdn, described, Optional.of(id), last, elapsed(start));
            }
            try {
                sleeper.sleep(pollInterval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Route53Exception("interrupted while waiting for Route 53 change " + id + " (" + last + ")");
            }
            last = aws.call("GetChange", () -> route53.getChange(b -> b.id(id))).changeInfo().statusAsString();
        }
        progress.step(scope, "change " + id + " INSYNC after " + elapsed(start).toSeconds() + " s");
        return new SwitchResult(fqdn, described, Optional.of(id), last, elapsed(start));
    }

    /**
     * Every record set named exactly {@code fqdn}. Listing from a name starts with that name's own
     * records, in type order: the first record with another name ends them.
     */
    private List<ResourceRecordSet> recordsNamed(Route53Client route53, String zoneId, String fqdn) {
        List<ResourceRecordSet> found = new ArrayList<>();
        String startName = fqdn;
        RRType startType = null;
        while (true) {
            String fromName = startName;
            RRType fromType = startType;
            ListResourceRecordSetsResponse page = aws.call("ListResourceRecordSets", () -> route53.listResourceRecordSets(b -> b
                    .hostedZoneId(zoneId).startRecordName(fromName).startRecordType(fromType).maxItems("100")));
            for (ResourceRecordSet record : page.resourceRecordSets()) {
                if (!fqdn(record.name()).equals(fqdn)) {
                    return found;
                }
                found.add(record);
            }
            if (!Boolean.TRUE.equals(page.isTruncated())) {
                return found;
            }
            startName = page.nextRecordName();
            startType = page.nextRecordType();
        }
    }

    private static List<ResourceRecordSet> wanted(String fqdn, int ttl, RecordTarget target) {
        if (target instanceof RecordTarget.Addresses addresses) {
            return List.of(ResourceRecordSet.builder().name(fqdn).type(RRType.A).ttl((long) ttl)
                    .resourceRecords(new TreeSet<>(addresses.ipv4()).stream()
                            .map(ip -> ResourceRecord.builder().value(ip).build()).toList())
                    .build());
        }
        RecordTarget.CloudFrontAlias alias = (RecordTarget.CloudFrontAlias) target;
        AliasTarget to = AliasTarget.builder().hostedZoneId(CLOUDFRONT_ZONE).dnsName(fqdn(alias.distributionDomain()))
                .evaluateTargetHealth(false).build();
        // The distributions tierlift renders have IPv6 on, so IPv6 clients get an alias too.
        return List.of(ResourceRecordSet.builder().name(fqdn).type(RRType.A).aliasTarget(to).build(),
                ResourceRecordSet.builder().name(fqdn).type(RRType.AAAA).aliasTarget(to).build());
    }

    private static boolean same(ResourceRecordSet live, ResourceRecordSet wanted) {
        if (wanted.aliasTarget() != null) {
            return live.aliasTarget() != null
                    && fqdn(live.aliasTarget().dnsName()).equals(fqdn(wanted.aliasTarget().dnsName()))
                    && wanted.aliasTarget().hostedZoneId().equals(live.aliasTarget().hostedZoneId());
        }
        return live.aliasTarget() == null && Objects.equals(live.ttl(), wanted.ttl())
                && values(live).equals(values(wanted));
    }

    private static Set<String> values(ResourceRecordSet record) {
        return record.resourceRecords().stream().map(ResourceRecord::value).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String describe(Change change) {
        ResourceRecordSet r = change.resourceRecordSet();
        String to = r.aliasTarget() != null ? "alias " + r.aliasTarget().dnsName()
                : String.join(" ", values(r)) + " (TTL " + r.ttl() + ")";
        return change.actionAsString() + " " + r.typeAsString() + " " + r.name() + " -> " + to;
    }

    private static String describe(RecordTarget target) {
        return target instanceof RecordTarget.Addresses a ? String.join(", ", a.ipv4())
                : ((RecordTarget.CloudFrontAlias) target).distributionDomain();
    }

    /** Route 53 names are absolute and compared without case; "notes.example.com" and "Notes.example.com." are one name. */
    static String fqdn(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    /** Responses may carry "/change/C123"; GetChange takes the bare id. */
    static String bareId(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private Duration elapsed(Instant start) {
        return Duration.between(start, clock.instant());
    }
}
