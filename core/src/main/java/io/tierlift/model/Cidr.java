package io.tierlift.model;

/**
 * An IPv4 network in CIDR notation, normalised: {@code 10.0.0.0/24}. Parsing lives in
 * {@link #parse}; the loader reports failures with the source position.
 */
public record Cidr(long network, int prefix) {
    public Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix must be 0..32");
        }
    }

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("missing /prefix");
        }
        long address = Ipv4.parse(text.substring(0, slash));
        String prefixText = text.substring(slash + 1);
        if (!prefixText.matches("[0-9]{1,2}")) {
            throw new IllegalArgumentException("prefix must be a number 0..32");
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > 32) {
            throw new IllegalArgumentException("prefix must be 0..32");
        }
        long mask = mask(prefix);
        if ((address & mask) != address) {
            throw new IllegalArgumentException("host bits set; did you mean " + Ipv4.format(address & mask) + "/" + prefix + "?");
        }
        return new Cidr(address, prefix);
    }

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public boolean contains(long address) {
        return (address & mask(prefix)) == network;
    }

    public boolean contains(Cidr other) {
        return other.prefix >= prefix && contains(other.network);
    }

    public boolean overlaps(Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    /** The n-th subnet of the given prefix inside this network. */
    public Cidr subnet(int newPrefix, int index) {
        if (newPrefix < prefix) {
            throw new IllegalArgumentException("subnet prefix shorter than network prefix");
        }
        long step = 1L << (32 - newPrefix);
        long start = network + step * index;
        Cidr result = new Cidr(start, newPrefix);
        if (!contains(result)) {
            throw new IllegalArgumentException("subnet " + index + " of /" + newPrefix + " does not fit in " + this);
        }
        return result;
    }

    @Override
    public String toString() {
        return Ipv4.format(network) + "/" + prefix;
    }
}
