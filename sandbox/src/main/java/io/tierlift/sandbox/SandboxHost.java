package io.tierlift.sandbox;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One host of the sandbox data center.
 *
 * @param name    its host name: lower-case letter first, then letters, digits or '-', at most 31 characters, not
 *                ending in '-' (it becomes the host's hostname and part of its network namespace name)
 * @param address its IPv4 address inside the sandbox subnet
 */
public record SandboxHost(String name, String address) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,30}");

    public SandboxHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        if (!NAME.matcher(name).matches() || name.endsWith("-")) {
            throw new IllegalArgumentException("bad host name '" + name
                    + "': use a lower-case letter, then up to 30 letters, digits or '-' (not ending in '-')");
        }
        Ipv4Cidr.parseAddress(address);
    }
}
