package io.tierlift.sandbox;

/** An IPv4 network such as 10.231.0.0/24; addresses are handled as 32-bit ints. */
record Ipv4Cidr(int network, int prefixLength) {

    static Ipv4Cidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR (expected e.g. 10.231.0.0/24): " + cidr);
        }
        int address = parseAddress(cidr.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + cidr);
        }
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("prefix length must be between 8 and 30: " + cidr);
        }
        Ipv4Cidr result = new Ipv4Cidr(address & mask(prefix), prefix);
        if (result.network != address) {
            throw new IllegalArgumentException(cidr + " has host bits set; did you mean " + result + "?");
        }
        return result;
    }

    /** Parses a dotted quad strictly (four decimal parts 0-255), so typos are not silently accepted. */
    static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        int value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    static String format(int address) {
        return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "."
                + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    boolean contains(int address) {
        return (address & mask(prefixLength)) == network;
    }

    int broadcast() {
        return network | ~mask(prefixLength);
    }

    /** RFC 1918 only: the sandbox's routes must never shadow real addresses the machine talks to. */
    boolean isPrivate() {
        return within(parseAddress("10.0.0.0"), 8) || within(parseAddress("172.16.0.0"), 12)
                || within(parseAddress("192.168.0.0"), 16);
    }

    private boolean within(int otherNetwork, int otherPrefix) {
        return prefixLength >= otherPrefix && (network & mask(otherPrefix)) == otherNetwork;
    }

    /** True when the two networks share any address. */
    boolean overlaps(Ipv4Cidr other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        return (network & mask(shorter)) == (other.network & mask(shorter));
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }
}
