package io.tierlift.onprem.ssh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The OpenSSH config options that apply to one host, as written (tokens are expanded later). */
public final class HostOptions {
    private final Map<String, OpenSshConfig.Directive> first;
    private final List<OpenSshConfig.Directive> identityFiles;

    private HostOptions(Map<String, OpenSshConfig.Directive> first, List<OpenSshConfig.Directive> identityFiles) {
        this.first = Map.copyOf(first);
        this.identityFiles = List.copyOf(identityFiles);
    }

    public Optional<String> hostName() {
        return single("hostname");
    }

    public Optional<String> user() {
        return single("user");
    }

    public Optional<Integer> port() {
        return integer("port", 1, 65535);
    }

    /** Every IdentityFile that applied, in file order. */
    public List<String> identityFiles() {
        List<String> files = new ArrayList<>();
        for (OpenSshConfig.Directive directive : identityFiles) {
            files.add(directive.args().get(0));
        }
        return files;
    }

    public Optional<String> proxyJump() {
        return single("proxyjump");
    }

    /** UserKnownHostsFile takes several files on one line; the first is where new keys go. */
    public List<String> userKnownHostsFiles() {
        OpenSshConfig.Directive directive = first.get("userknownhostsfile");
        return directive == null ? List.of() : directive.args();
    }

    /** yes, ask, accept-new, no or off, lower case. */
    public Optional<String> strictHostKeyChecking() {
        Optional<String> value = single("stricthostkeychecking").map(v -> v.toLowerCase(Locale.ROOT));
        value.ifPresent(v -> {
            if (!List.of("yes", "no", "ask", "accept-new", "off", "true", "false").contains(v)) {
                throw invalid("stricthostkeychecking", "yes, no, ask or accept-new");
            }
        });
        return value.map(v -> v.equals("true") ? "yes" : v.equals("false") ? "no" : v);
    }

    public Optional<Duration> connectTimeout() {
        return integer("connecttimeout", 0, Integer.MAX_VALUE).map(Duration::ofSeconds);
    }

    public Optional<Duration> serverAliveInterval() {
        return integer("serveraliveinterval", 0, Integer.MAX_VALUE).map(Duration::ofSeconds);
    }

    public Optional<Integer> serverAliveCountMax() {
        return integer("serveralivecountmax", 1, 1000);
    }

    public Optional<Boolean> identitiesOnly() {
        return yesNo("identitiesonly");
    }

    /** IdentityAgent: a socket path, {@code none}, or {@code SSH_AUTH_SOCK}. */
    public Optional<String> identityAgent() {
        return single("identityagent");
    }

    private Optional<String> single(String keyword) {
        return Optional.ofNullable(first.get(keyword)).map(d -> d.args().get(0));
    }

    private Optional<Integer> integer(String keyword, int min, int max) {
        Optional<String> raw = single(keyword);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value < min || value > max) {
                throw invalid(keyword, "a number from " + min + " to " + max);
            }
            return Optional.of(value);
        } catch (NumberFormatException e) {
            throw invalid(keyword, "a number");
        }
    }

    private Optional<Boolean> yesNo(String keyword) {
        return single(keyword).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw invalid(keyword, "yes or no");
        });
    }

    private SshConfigException invalid(String keyword, String expected) {
        OpenSshConfig.Directive directive = first.get(keyword);
        return new SshConfigException(directive.source() + ": " + keyword + " must be " + expected
                + ", not '" + String.join(" ", directive.args()) + "'");
    }

    static final class Builder {
        private final Map<String, OpenSshConfig.Directive> first = new HashMap<>();
        private final List<OpenSshConfig.Directive> identityFiles = new ArrayList<>();

        void setIfAbsent(OpenSshConfig.Directive directive) {
            first.putIfAbsent(directive.keyword(), directive);
        }

        void add(OpenSshConfig.Directive directive) {
            if (directive.keyword().equals("identityfile")) {
                identityFiles.add(directive);
            }
        }

        HostOptions build() {
            return new HostOptions(first, identityFiles);
        }
    }
}
