package io.tierlift.aws.tier;

import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.client.AwsSettings;
import io.tierlift.aws.cloudformation.Sleeper;
import io.tierlift.aws.route53.RecordTarget;
import io.tierlift.aws.route53.Route53Exception;
import io.tierlift.aws.route53.Route53RecordSwitch;
import io.tierlift.aws.route53.SwitchResult;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.DnsSettings;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.provider.Target;
import io.tierlift.render.onprem.edge.EdgeTopology;
import io.tierlift.tier.DnsRecord;
import io.tierlift.tier.TierContext;
import io.tierlift.tier.TierFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Moves the descriptor's DNS record ({@code dns:}) to the tier taking traffic, through Route 53:
 * on-prem gets A records of its public edge hosts, the AWS tiers alias records to their CloudFront
 * distribution. Each tier's takeTraffic calls {@link #pointAt} or {@link #pointAtCloudFront}, then
 * the result is reported on the operator's output.
 */
public final class DnsTrafficSwitch implements DnsRecord {
    private final DnsSettings dns;
    private final Route53RecordSwitch route53;
    private final AutoCloseable resources;

    public DnsTrafficSwitch(DnsSettings dns, Route53RecordSwitch route53, AutoCloseable resources) {
        this.dns = dns;
        this.route53 = route53;
        this.resources = resources;
    }

    /**
     * The switch for the descriptor's record, with a Route 53 client made from the context's
     * environment as the AWS tiers make theirs (AWS_ENDPOINT_URL_ROUTE_53 or AWS_ENDPOINT_URL,
     * credentials, else the SDK's chain); empty when the descriptor has no dns section.
     */
    public static Optional<DnsTrafficSwitch> open(TierContext context, AppDescriptor descriptor) {
        if (descriptor.dns().isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> env = context.environment();
        Optional<URI> endpoint = Optional.ofNullable(env.get("AWS_ENDPOINT_URL_ROUTE_53"))
                .or(() -> Optional.ofNullable(env.get("AWS_ENDPOINT_URL")))
                .filter(v -> !v.isBlank()).map(URI::create);
        // Route 53 is a global service: its API lives in us-east-1 whatever the app's region.
        var builder = Route53Client.builder().region(Region.AWS_GLOBAL).httpClient(UrlConnectionHttpClient.create());
        endpoint.ifPresent(builder::endpointOverride);
        AwsSettings.fromEnvironment(env, null, null).credentials().ifPresent(builder::credentialsProvider);
        Route53Client client = builder.build();
        // Emulators answer at once; Route 53 itself takes seconds to a minute.
        Duration poll = endpoint.isPresent() ? Duration.ofMillis(100) : Duration.ofSeconds(5);
        Route53RecordSwitch route53 = new Route53RecordSwitch(() -> client, context.progress(), Sleeper.system(),
                context.clock(), poll, Duration.ofMinutes(5));
        return Optional.of(new DnsTrafficSwitch(descriptor.dns().get(), route53, client));
    }

    /** The record this switch manages. */
    public DnsSettings settings() {
        return dns;
    }

    /** Points the name at {@code addresses} (A records, the descriptor's TTL) and reports on {@code out}. */
    @Override
    public void pointAt(Target tier, List<String> addresses, PrintWriter out) {
        report(out, tier, addresses.toString(), () -> route53.point(dns.zoneId(), dns.name(), dns.ttlSeconds(),
                new RecordTarget.Addresses(addresses), comment(tier)));
    }

    /** Points the name at a CloudFront distribution (alias A and AAAA records) and reports on {@code out}. */
    @Override
    public void pointAtCloudFront(Target tier, String distributionDomain, PrintWriter out) {
        report(out, tier, distributionDomain, () -> route53.point(dns.zoneId(), dns.name(), dns.ttlSeconds(),
                new RecordTarget.CloudFrontAlias(distributionDomain), comment(tier)));
    }

    /**
     * The addresses users reach the on-prem tier at: the WAF hosts when the WAF is on (they take
     * requests first and hand them to the proxies), otherwise the proxy hosts.
     */
    public List<String> edgeAddresses(String app, OnpremTarget onprem) {
        return new EdgeTopology(app, onprem).clientFacingHosts().stream()
                .map(Host::address).distinct().toList();
    }

    private SwitchResult report(PrintWriter out, Target tier, String to, Supplier<SwitchResult> action) {
        SwitchResult result;
        try {
            result = action.get();
        } catch (Route53Exception | AwsCallException e) {
            throw new TierFailure("DNS not switched to " + tier + ": " + e.getMessage());
        } catch (SdkException e) {
            throw new TierFailure("DNS not switched to " + tier + ": Route 53 call failed: " + e.getMessage());
        }
        if (!result.changed()) {
            out.println("DNS: " + result.name() + " already points at " + tier + " (" + to + ")");
        } else if (result.inSync()) {
            out.println("DNS: " + result.name() + " now points at " + tier + " (" + to + "); Route 53 change "
                    + result.changeId().orElseThrow() + " INSYNC after " + result.waited().toSeconds() + " s. Resolvers "
                    + "may answer with the old records until their TTL runs out.");
        } else {
            out.println("DNS: " + result.name() + " is being pointed at " + tier + " (" + to + "); Route 53 change "
                    + result.changeId().orElseThrow() + " is still " + result.status() + " (aws route53 get-change --id "
                    + result.changeId().orElseThrow() + ")");
        }
        out.flush();
        return result;
    }

    private static String comment(Target tier) {
        return "tierlift migrate: " + tier + " takes traffic";
    }

    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            // releasing sockets only
        }
    }
}
