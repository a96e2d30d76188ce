package io.tierlift.aws.tier;

import io.tierlift.model.AppDescriptor;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the deploy recap says about the name CloudFront reaches the load balancer by. Over HTTPS
 * CloudFront connects to {@code origin_domain} (the name the ALB certificate covers), so /api/*
 * answers 502 until that name leads to the load balancer. When the descriptor manages the zone the
 * compute stack makes the record; otherwise the name is looked up here and compared with the load
 * balancer's own addresses, so an operator learns at the end of the deploy, not from users.
 */
final class OriginNameCheck {
    /** Addresses a name resolves to; empty when it does not resolve. */
    interface NameResolver {
        Set<String> addresses(String name);

        static NameResolver system() {
            return name -> {
                try {
                    return Arrays.stream(InetAddress.getAllByName(name)).map(InetAddress::getHostAddress).collect(Collectors.toSet());
                } catch (UnknownHostException e) {
                    return Set.of();
                }
            };
        }
    }

    private final NameResolver resolver;

    OriginNameCheck(NameResolver resolver) {
        this.resolver = resolver;
    }

    /**
     * One line for the recap. {@code emulated}: the AWS endpoints are an emulator's, whose load balancer
     * names exist in no DNS, so nothing is looked up.
     */
    String describe(AppDescriptor descriptor, String loadBalancerDns, boolean emulated) {
        Optional<String> origin = descriptor.targets().awsIaas().orElseThrow().originDomain();
        if (origin.isEmpty()) {
            return loadBalancerDns + " (plain HTTP)";
        }
        String name = origin.get();
        if (descriptor.dns().isPresent()) {
            return name + " is an alias of " + loadBalancerDns + " (record made by the compute stack in zone "
                    + descriptor.dns().get().zoneId() + ")";
        }
        String wanted = name + " must resolve to " + loadBalancerDns + " (a CNAME or an alias record)";
        if (emulated) {
            return wanted + "; not looked up against an AWS emulator";
        }
        Set<String> originAddresses = resolver.addresses(name);
        if (originAddresses.isEmpty()) {
            return wanted + "; it does not resolve yet, so /api/* answers 502 until it does";
        }
        Set<String> balancerAddresses = resolver.addresses(loadBalancerDns);
        if (originAddresses.stream().anyMatch(balancerAddresses::contains)) {
            return name + " resolves to " + loadBalancerDns;
        }
        return wanted + "; it resolves to " + String.join(", ", originAddresses.stream().sorted().toList())
                + " instead, so /api/* does not reach this deploy";
    }
}
