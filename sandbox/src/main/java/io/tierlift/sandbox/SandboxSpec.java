package io.tierlift.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the sandbox data center looks like: a Linux bridge with the gateway address (the machine's side) and the hosts
 * attached to it.
 *
 * <p>All kernel object names are derived from the bridge name, so two sandboxes with different bridges never collide,
 * and since the bridge must start with {@code tl-}, tear-down can never delete anything that is not ours.
 *
 * @param bridge  bridge device name, {@code tl-} plus 1-12 lower-case letters or digits (Linux names are at most 15)
 * @param cidr    the sandbox subnet, a private (RFC 1918) network such as 10.231.0.0/24
 * @param gateway the machine's address on the bridge, inside {@code cidr}
 * @param hosts   the hosts, at least one; unique names and addresses inside {@code cidr}, none equal to the gateway
 */
public record SandboxSpec(String bridge, String cidr, String gateway, List<SandboxHost> hosts) {

    public static final String DEFAULT_BRIDGE = "tl-br0";
    public static final String DEFAULT_CIDR = "10.231.0.0/24";
    public static final String DEFAULT_GATEWAY = "10.231.0.1";

    private static final Pattern BRIDGE = Pattern.compile("tl-[a-z0-9]{1,12}");

    public SandboxSpec {
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(cidr, "cidr");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(hosts, "hosts");
        hosts = List.copyOf(hosts);
        if (!BRIDGE.matcher(bridge).matches()) {
            throw new IllegalArgumentException("bad bridge name '" + bridge
                    + "': use 'tl-' followed by 1-12 lower-case letters or digits");
        }
        Ipv4Cidr net = Ipv4Cidr.parse(cidr);
        if (!net.isPrivate()) {
            throw new IllegalArgumentException("sandbox subnet " + cidr
                    + " is not a private (RFC 1918) network; pick one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16");
        }
        int gw = Ipv4Cidr.parseAddress(gateway);
        requireUsable(net, gw, "gateway " + gateway);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a sandbox needs at least one host");
        }
        Set<String> names = new HashSet<>();
        Set<Integer> addresses = new HashSet<>();
        Set<String> veths = new HashSet<>();
        for (SandboxHost host : hosts) {
            Objects.requireNonNull(host, "host");
            int address = Ipv4Cidr.parseAddress(host.address());
            requireUsable(net, address, "address " + host.address() + " of host " + host.name());
            if (address == gw) {
                throw new IllegalArgumentException("host " + host.name() + " uses the gateway address " + gateway);
            }
            if (!names.add(host.name())) {
                throw new IllegalArgumentException("host name " + host.name() + " is used twice");
            }
            if (!addresses.add(address)) {
                throw new IllegalArgumentException("address " + host.address() + " is used twice");
            }
            if (!veths.add(vethName(bridge, host.name()))) {
                throw new IllegalArgumentException("host names collide in device naming; rename host " + host.name());
            }
        }
    }

    /** A spec on the default bridge and subnet. */
    public static SandboxSpec forHosts(List<SandboxHost> hosts) {
        return new SandboxSpec(DEFAULT_BRIDGE, DEFAULT_CIDR, DEFAULT_GATEWAY, hosts);
    }

    public int prefixLength() {
        return Ipv4Cidr.parse(cidr).prefixLength();
    }

    /** Network namespace of a host, e.g. {@code tl-br0-app1}. */
    public String netnsName(String hostName) {
        return bridge + "-" + hostName;
    }

    /** Machine-side end of a host's veth pair: {@code tlv-} plus 8 hex digits of a hash, within the 15-char limit. */
    public String vethName(String hostName) {
        return vethName(bridge, hostName);
    }

    public SandboxHost host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no host named " + name + " in the sandbox"));
    }

    private static String vethName(String bridge, String hostName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((bridge + "/" + hostName).getBytes(StandardCharsets.UTF_8));
            return "tlv-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static void requireUsable(Ipv4Cidr net, int address, String what) {
        if (!net.contains(address)) {
            throw new IllegalArgumentException(what + " is outside the sandbox subnet " + net);
        }
        if (address == net.network() || address == net.broadcast()) {
            throw new IllegalArgumentException(what + " is the network or broadcast address of " + net);
        }
    }
}
