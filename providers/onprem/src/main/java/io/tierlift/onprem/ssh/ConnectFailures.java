package io.tierlift.onprem.ssh;

import com.jcraft.jsch.JSchException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Turns JSch's terse exceptions into what an operator can act on, in OpenSSH's terms. */
final class ConnectFailures {
    private ConnectFailures() {
    }

    static String explain(JSchException e, SshTarget target, HostKeyCheck hostKeys, KeyRing.Offer offer,
                          boolean viaJump) {
        if (hostKeys.refusal().isPresent()) {
            return hostKey(hostKeys.refusal().get(), hostKeys.knownHosts(), target);
        }
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        Throwable root = rootCause(e);
        if (root instanceof UnknownHostException) {
            return "cannot resolve host name " + target.hostName();
        }
        if (root instanceof ConnectException) {
            String why = String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT);
            if (why.contains("timed out")) {
                return "no answer within " + seconds(target) + " (connect_timeout)";
            }
            return "connection refused (is sshd running and listening on port " + target.port() + "?)";
        }
        if (root instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (root instanceof SocketTimeoutException || lower.contains("timeout")) {
            return "no answer within " + seconds(target) + " (connect_timeout)";
        }
        if (lower.startsWith("auth fail") || lower.startsWith("auth cancel")) {
            return auth(target, offer);
        }
        if (viaJump && lower.contains("channel is not opened")) {
            return "the jump host would not forward to " + target.endpoint()
                    + " (nothing listening there, or its sshd forbids it: AllowTcpForwarding, PermitOpen)";
        }
        if (lower.contains("connection is closed by foreign host") || root instanceof IOException
                && String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
            return "the server closed the connection during the SSH handshake (not an SSH server, or sshd"
                    + " refused it: MaxStartups, AllowUsers, TCP wrappers, a firewall)";
        }
        if (lower.contains("algorithm negotiation fail")) {
            return "no SSH algorithms in common with the server (" + message + ")";
        }
        return message;
    }

    private static String auth(SshTarget target, KeyRing.Offer offer) {
        StringBuilder out = new StringBuilder("the server accepted none of the keys for user ")
                .append(target.user()).append(" (tried ").append(String.join(", ", offer.offered())).append(')');
        if (!offer.skipped().isEmpty()) {
            out.append("; not usable: ").append(String.join("; ", offer.skipped()));
        }
        out.append("; check the user (ssh.user, User), the key (ssh.identity, IdentityFile, ssh-agent) and the"
                + " host's authorized_keys");
        return out.toString();
    }

    static String hostKey(HostKeyCheck.Refusal refusal, KnownHosts knownHosts, SshTarget target) {
        String type = KnownHosts.keyType(refusal.offered());
        String fingerprint = KnownHosts.fingerprint(refusal.offered());
        String file = knownHosts.files().get(0).toString();
        if (refusal.writeError().isPresent()) {
            return "cannot add the host key " + type + " " + fingerprint + " of " + refusal.lookupName()
                    + " to " + file + ": " + refusal.writeError().get().getMessage();
        }
        if (refusal.verdict() instanceof KnownHosts.Changed changed) {
            String old = changed.known().stream()
                    .map(entry -> entry.keyType() + " " + KnownHosts.fingerprint(entry.key()) + " at " + entry.where())
                    .collect(Collectors.joining(", "));
            return "WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! Someone could be intercepting the connection"
                    + " (man-in-the-middle), or the host key was replaced. known_hosts has " + old + " for "
                    + refusal.lookupName() + "; the server now offers " + type + " " + fingerprint
                    + ". Refusing to connect (also with --accept-new-host-keys). If the change is expected, remove"
                    + " the old key with: ssh-keygen -R '" + refusal.lookupName() + "' -f " + file;
        }
        if (refusal.verdict() instanceof KnownHosts.Revoked revoked) {
            return "the server's host key " + type + " " + fingerprint + " is marked @revoked at "
                    + revoked.entry().where() + "; refusing to connect";
        }
        KnownHosts.Unknown unknown = (KnownHosts.Unknown) refusal.verdict();
        String others = unknown.otherTypes().isEmpty() ? ""
                : " (known_hosts has only " + describe(unknown.otherTypes()) + " for it)";
        return "host key not known: " + refusal.lookupName() + " is not in " + files(knownHosts) + others
                + "; the server offers " + type + " key " + fingerprint + ". Check that fingerprint with the host's"
                + " administrator (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), then run again with"
                + " --accept-new-host-keys, or add it with: ssh-keyscan -p " + target.port() + " -t "
                + keyscanType(type) + " " + target.hostName() + " >> " + file;
    }

    private static String describe(List<KnownHosts.Entry> entries) {
        return entries.stream().map(e -> e.keyType() + " at " + e.where()).collect(Collectors.joining(", "));
    }

    private static String files(KnownHosts knownHosts) {
        return knownHosts.files().stream().map(Object::toString).collect(Collectors.joining(" or "));
    }

    private static String keyscanType(String keyType) {
        return switch (keyType) {
            case "ssh-ed25519" -> "ed25519";
            case "ssh-rsa" -> "rsa";
            default -> keyType.startsWith("ecdsa") ? "ecdsa" : keyType;
        };
    }

    private static String seconds(SshTarget target) {
        return target.connectTimeout().toMillis() % 1000 == 0
                ? target.connectTimeout().toSeconds() + "s" : target.connectTimeout().toMillis() + "ms";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable current = e;
        while (current.getCause() != null && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }
}
