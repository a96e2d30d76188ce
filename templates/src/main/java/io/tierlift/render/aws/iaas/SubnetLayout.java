package io.tierlift.render.aws.iaas;

import io.tierlift.model.Cidr;

import java.util.List;

/**
 * How the VPC network is split: eight equal blocks (prefix + 3), used as public, private-app and
 * private-db subnets in two availability zones, with two blocks kept free for later. Equal blocks
 * keep the arithmetic obvious, and even a /24 VPC yields /27 subnets, the smallest an ALB accepts.
 */
record SubnetLayout(List<Cidr> publicSubnets, List<Cidr> appSubnets, List<Cidr> dbSubnets) {
    static final int ZONES = 2;
    private static final int SPLIT_BITS = 3;

    SubnetLayout {
        publicSubnets = List.copyOf(publicSubnets);
        appSubnets = List.copyOf(appSubnets);
        dbSubnets = List.copyOf(dbSubnets);
    }

    static SubnetLayout carve(Cidr vpc) {
        int prefix = vpc.prefix() + SPLIT_BITS;
        return new SubnetLayout(
                List.of(vpc.subnet(prefix, 0), vpc.subnet(prefix, 1)),
                List.of(vpc.subnet(prefix, 2), vpc.subnet(prefix, 3)),
                List.of(vpc.subnet(prefix, 4), vpc.subnet(prefix, 5)));
    }

    /** Zone suffix used in logical ids and names: A, B. */
    static String zone(int index) {
        return String.valueOf((char) ('A' + index));
    }
}
