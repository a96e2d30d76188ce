package io.tierlift.onprem.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One hop of a ProxyJump list: {@code [user@]host[:port]}, also as {@code ssh://} URI. */
public record JumpHop(Optional<String> user, String host, Optional<Integer> port) {
    /** Parses {@code a,user@b:2222,ssh://c}; {@code none} is an empty list. */
    public static List<JumpHop> parseList(String value) {
        List<JumpHop> hops = new ArrayList<>();
        if (value.equalsIgnoreCase("none")) {
            return hops;
        }
        for (String part : value.split(",")) {
            hops.add(parse(part.strip(), value));
        }
        return hops;
    }

    static JumpHop parse(String text, String whole) {
        String rest = text.startsWith("ssh://") ? text.substring("ssh://".length()) : text;
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        Optional<String> user = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            user = Optional.of(rest.substring(0, at));
            rest = rest.substring(at + 1);
        }
        String host = rest;
        Optional<Integer> port = Optional.empty();
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw bad(whole, "missing ']'");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (after.startsWith(":")) {
                port = Optional.of(port(after.substring(1), whole));
            } else if (!after.isEmpty()) {
                throw bad(whole, "unexpected '" + after + "'");
            }
        } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
            // one colon separates a port; several mean a bare IPv6 address
            host = rest.substring(0, rest.indexOf(':'));
            port = Optional.of(port(rest.substring(rest.indexOf(':') + 1), whole));
        }
        if (host.isEmpty() || user.map(String::isEmpty).orElse(false)) {
            throw bad(whole, "empty host or user in '" + text + "'");
        }
        return new JumpHop(user, host, port);
    }

    private static int port(String text, String whole) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw bad(whole, "port " + text + " out of range");
            }
            return port;
        } catch (NumberFormatException e) {
            throw bad(whole, "port '" + text + "' is not a number");
        }
    }

    private static SshConfigException bad(String whole, String why) {
        return new SshConfigException("ProxyJump '" + whole + "': " + why);
    }
}
