package io.tierlift.onprem.ssh;

import io.tierlift.model.Host;
import io.tierlift.model.SshSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Combines the descriptor's ssh settings, the OpenSSH config and OpenSSH's defaults into the
 * {@link SshTarget} for a host. Precedence: descriptor (ssh.*, host ssh_host/ssh_port) over the
 * config file over defaults. The descriptor's user, port and identity are for the hosts
 * themselves; jump hosts take theirs from the config (as {@code ssh -J} does), except that the
 * descriptor's identity is tried last on them too and its known_hosts file is the one used
 * for every hop of the run.
 */
public final class TargetResolver {
    static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");
    static final Duration DEFAULT_SERVER_ALIVE = Duration.ofSeconds(15);
    static final int DEFAULT_SERVER_ALIVE_COUNT = 3;
    private static final int MAX_JUMP_DEPTH = 8;
    private static final Set<String> ACCEPT_NEW_VALUES = Set.of("accept-new", "no", "off");

    private final SshSettings settings;
    private final OpenSshConfig config;
    private final SshEnvironment env;
    private final boolean acceptNewHostKeys;

    public TargetResolver(SshSettings settings, OpenSshConfig config, SshEnvironment env, boolean acceptNewHostKeys) {
        this.settings = settings;
        this.config = config;
        this.env = env;
        this.acceptNewHostKeys = acceptNewHostKeys;
    }

    /** The config file named in the descriptor (must exist), else ~/.ssh/config if there is one. */
    public static OpenSshConfig loadConfig(SshSettings settings, SshEnvironment env) {
        if (settings.config().isPresent()) {
            Path file = expandHome(settings.config().get(), env);
            if (!Files.isRegularFile(file)) {
                throw new SshConfigException("OpenSSH config " + file + " (ssh.config in the descriptor) does not exist");
            }
            return OpenSshConfig.load(file, env.sshDir());
        }
        Path file = env.sshDir().resolve("config");
        return Files.isRegularFile(file) ? OpenSshConfig.load(file, env.sshDir()) : OpenSshConfig.empty();
    }

    public SshTarget resolve(Host host) {
        String alias = host.sshTarget();
        HostOptions options = config.lookup(alias);
        String hostName = hostName(alias, options);
        String user = settings.user().or(options::user).orElse(env.localUser());
        int port = host.sshPort().or(settings::port).or(options::port).orElse(22);
        Tokens tokens = new Tokens(alias, hostName, user, port);
        List<SshTarget.KeyFile> keys = settings.identity().isPresent()
                ? List.of(new SshTarget.KeyFile(expandHome(settings.identity().get(), env), true))
                : configOrDefaultKeys(options, tokens);
        Optional<SshTarget> via = jumps(options, alias, 0);
        return target(alias, hostName, port, user, keys, options, tokens, via);
    }

    private SshTarget resolveHop(JumpHop hop, boolean ownJumps, int depth) {
        if (depth > MAX_JUMP_DEPTH) {
            throw new SshConfigException("ProxyJump chain through " + hop.host() + " is longer than "
                    + MAX_JUMP_DEPTH + " hops (a loop in the OpenSSH config?)");
        }
        HostOptions options = config.lookup(hop.host());
        String hostName = hostName(hop.host(), options);
        String user = hop.user().or(options::user).orElse(env.localUser());
        int port = hop.port().or(options::port).orElse(22);
        Tokens tokens = new Tokens(hop.host(), hostName, user, port);
        List<SshTarget.KeyFile> keys = new ArrayList<>(configOrDefaultKeys(options, tokens));
        settings.identity().ifPresent(identity -> {
            SshTarget.KeyFile extra = new SshTarget.KeyFile(expandHome(identity, env), false);
            if (keys.stream().noneMatch(k -> k.path().equals(extra.path()))) {
                keys.add(extra);
            }
        });
        Optional<SshTarget> via = ownJumps ? jumps(options, hop.host(), depth + 1) : Optional.empty();
        return target(hop.host(), hostName, port, user, keys, options, tokens, via);
    }

    /**
     * {@code ProxyJump a,b}: the session goes through b, which is reached through a; a follows
     * its own ProxyJump from the config, b's is ignored (a is its way in), as in OpenSSH.
     */
    private Optional<SshTarget> jumps(HostOptions options, String alias, int depth) {
        List<JumpHop> hops = options.proxyJump().map(JumpHop::parseList).orElse(List.of());
        Optional<SshTarget> via = Optional.empty();
        for (int i = 0; i < hops.size(); i++) {
            JumpHop hop = hops.get(i);
            if (hop.host().equalsIgnoreCase(alias)) {
                // OpenSSH refuses this too ("jumphost loop"); typical cause: Host * without !bastion
                throw new SshConfigException("ProxyJump of " + alias + " names " + alias
                        + " itself; exclude it from the Host pattern, e.g. Host * !" + alias);
            }
            SshTarget hopTarget = resolveHop(hop, i == 0, depth + 1);
            if (via.isPresent()) {
                hopTarget = withVia(hopTarget, via.get());
            }
            via = Optional.of(hopTarget);
        }
        return via;
    }

    private static SshTarget withVia(SshTarget t, SshTarget via) {
        return new SshTarget(t.alias(), t.hostName(), t.port(), t.user(), t.identityFiles(), t.identitiesOnly(),
                t.agentSocket(), t.knownHostsFiles(), t.acceptNewHostKeys(), t.connectTimeout(),
                t.serverAliveInterval(), t.serverAliveCountMax(), Optional.of(via));
    }

    private SshTarget target(String alias, String hostName, int port, String user, List<SshTarget.KeyFile> keys,
                             HostOptions options, Tokens tokens, Optional<SshTarget> via) {
        List<Path> knownHosts = settings.knownHosts().isPresent()
                ? List.of(expandHome(settings.knownHosts().get(), env))
                : options.userKnownHostsFiles().isEmpty()
                ? List.of(env.sshDir().resolve("known_hosts"))
                : options.userKnownHostsFiles().stream().map(f -> expand(f, tokens)).toList();
        boolean acceptNew = acceptNewHostKeys
                || options.strictHostKeyChecking().map(ACCEPT_NEW_VALUES::contains).orElse(false);
        // the descriptor always carries a connect timeout (schema default 10s), so it wins
        Duration connectTimeout = settings.connectTimeout();
        return new SshTarget(alias, hostName, port, user, keys, options.identitiesOnly().orElse(false),
                agent(options, tokens), knownHosts, acceptNew, connectTimeout,
                options.serverAliveInterval().orElse(DEFAULT_SERVER_ALIVE),
                options.serverAliveCountMax().orElse(DEFAULT_SERVER_ALIVE_COUNT), via);
    }

    private Optional<Path> agent(HostOptions options, Tokens tokens) {
        Optional<String> configured = options.identityAgent();
        if (configured.isEmpty() || configured.get().equals("SSH_AUTH_SOCK")) {
            return env.agentSocket();
        }
        if (configured.get().equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        return Optional.of(expand(configured.get(), tokens));
    }

    private List<SshTarget.KeyFile> configOrDefaultKeys(HostOptions options, Tokens tokens) {
        List<SshTarget.KeyFile> keys = new ArrayList<>();
        if (!options.identityFiles().isEmpty()) {
            for (String file : options.identityFiles()) {
                keys.add(new SshTarget.KeyFile(expand(file, tokens), false));
            }
            return keys;
        }
        for (String name : DEFAULT_IDENTITIES) {
            Path path = env.sshDir().resolve(name);
            if (Files.isRegularFile(path)) {
                keys.add(new SshTarget.KeyFile(path, false));
            }
        }
        return keys;
    }

    /** HostName may use %h (the name given) and %%. */
    private static String hostName(String alias, HostOptions options) {
        if (options.hostName().isEmpty()) {
            return alias;
        }
        String raw = options.hostName().get();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 1 < raw.length()) {
                char t = raw.charAt(++i);
                switch (t) {
                    case 'h' -> out.append(alias);
                    case '%' -> out.append('%');
                    default -> throw new SshConfigException("HostName '" + raw + "': only %h and %% are allowed");
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private record Tokens(String alias, String hostName, String user, int port) {
    }

    /** ~ and the ssh_config(5) tokens allowed in IdentityFile and UserKnownHostsFile. */
    private Path expand(String raw, Tokens tokens) {
        Map<Character, String> values = Map.of('d', env.home().toString(), 'u', env.localUser(), 'h', tokens.hostName(),
                'r', tokens.user(), 'p', Integer.toString(tokens.port()), 'n', tokens.alias(), '%', "%");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 1 < raw.length()) {
                char t = raw.charAt(++i);
                String value = values.get(t);
                if (value == null) {
                    throw new SshConfigException("'" + raw + "': token %" + t + " is not supported");
                }
                out.append(value);
            } else {
                out.append(c);
            }
        }
        return expandHome(out.toString(), env);
    }

    static Path expandHome(String path, SshEnvironment env) {
        if (path.equals("~")) {
            return env.home();
        }
        if (path.startsWith("~/")) {
            return env.home().resolve(path.substring(2));
        }
        return Path.of(path);
    }
}
