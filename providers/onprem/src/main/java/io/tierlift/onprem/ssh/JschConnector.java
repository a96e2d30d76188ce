package io.tierlift.onprem.ssh;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.Session;
import io.tierlift.model.Host;
import io.tierlift.model.SshSettings;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Opens SSH connections with JSch and keeps one per host for the whole run, plus one per jump
 * host shared by every host behind it. Behaves like OpenSSH where operators expect it to: their
 * ~/.ssh/config, their keys and ssh-agent, their known_hosts, strict host key checking.
 * Safe to use from many threads: connecting to one host never waits for another.
 */
public final class JschConnector implements Connector {
    private static final System.Logger LOG = System.getLogger(JschConnector.class.getName());
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);

    /**
     * {@code acceptNewHostKeys}: add keys of hosts not yet in known_hosts (OpenSSH's
     * accept-new); changed keys are refused regardless. {@code commandTimeout}: default limit
     * per command.
     */
    public record Options(boolean acceptNewHostKeys, Duration commandTimeout, SshEnvironment environment) {
        public static Options defaults() {
            return new Options(false, DEFAULT_COMMAND_TIMEOUT, SshEnvironment.current());
        }

        public Options withAcceptNewHostKeys(boolean accept) {
            return new Options(accept, commandTimeout, environment);
        }

        public Options withCommandTimeout(Duration timeout) {
            return new Options(acceptNewHostKeys, timeout, environment);
        }

        public Options withEnvironment(SshEnvironment env) {
            return new Options(acceptNewHostKeys, commandTimeout, env);
        }
    }

    private final SshSettings settings;
    private final Options options;
    private final TargetResolver resolver;
    private final JSch jsch = new JSch();
    private final KeyRing keys = new KeyRing();
    private final Map<List<Path>, KnownHosts> knownHosts = new ConcurrentHashMap<>();
    private final Map<String, HostSlot> hosts = new ConcurrentHashMap<>();
    private final Map<String, JumpSlot> jumps = new ConcurrentHashMap<>();
    private final List<String> acceptedHostKeys = new CopyOnWriteArrayList<>();
    private final List<JschConnection> extra = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor timer;
    private volatile boolean closed;

    public JschConnector(SshSettings settings, boolean acceptNewHostKeys) {
        this(settings, Options.defaults().withAcceptNewHostKeys(acceptNewHostKeys));
    }

    public JschConnector(SshSettings settings, Options options) {
        this.settings = settings;
        this.options = options;
        OpenSshConfig config = TargetResolver.loadConfig(settings, options.environment());
        this.resolver = new TargetResolver(settings, config, options.environment(), options.acceptNewHostKeys());
        jsch.setInstanceLogger(new JschDebugLog());
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "tierlift-ssh-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        // cancelled timeouts (nearly all of them) must not pile up in the queue
        timer.setRemoveOnCancelPolicy(true);
    }

    /** A lock per host, so connecting to one host never waits for another. */
    private static final class HostSlot {
        JschConnection connection;
    }

    private static final class JumpSlot {
        Session session;
    }

    @Override
    public JschConnection connect(Host host) {
        if (closed) {
            throw new IllegalStateException("the SSH connector is closed");
        }
        HostSlot slot = hosts.computeIfAbsent(host.name(), name -> new HostSlot());
        synchronized (slot) {
            if (slot.connection != null && slot.connection.isOpen()) {
                return slot.connection;
            }
            slot.connection = open(host);
            return slot.connection;
        }
    }

    /** A connection of its own, not the shared one: proves new SSH sessions still get through (firewall changes). */
    @Override
    public JschConnection connectNew(Host host) {
        if (closed) {
            throw new IllegalStateException("the SSH connector is closed");
        }
        JschConnection connection = open(host);
        extra.add(connection);
        return connection;
    }

    private JschConnection open(Host host) {
        SshTarget target;
        try {
            target = resolver.resolve(host);
        } catch (SshException e) {
            throw new SshException("host " + host.name() + " (" + host.sshTarget() + "): " + e.getMessage(), e);
        }
        String label = "host " + host.name() + " (" + target.endpoint()
                + target.via().map(v -> " via " + v.describe()).orElse("") + ")";
        Session session;
        try {
            session = openSession(target);
        } catch (ConnectProblem problem) {
            throw new SshException(label + ": " + problem.getMessage(), problem.getCause());
        } catch (SshException e) {
            throw new SshException(label + ": " + e.getMessage(), e);
        }
        boolean sudo = settings.sudo() && !target.user().equals("root");
        return new JschConnection(host.name(), label, target, session, sudo,
                options.commandTimeout(), timer);
    }

    /** Keys added to known_hosts under accept-new during this run, for the operator to see. */
    public List<String> acceptedHostKeys() {
        return List.copyOf(acceptedHostKeys);
    }

    @Override
    public void close() {
        closed = true;
        extra.forEach(JschConnection::close);
        for (HostSlot slot : hosts.values()) {
            synchronized (slot) {
                if (slot.connection != null) {
                    slot.connection.close();
                }
            }
        }
        // jump sessions last: the host sessions run through them
        for (JumpSlot slot : jumps.values()) {
            synchronized (slot) {
                if (slot.session != null) {
                    slot.session.disconnect();
                }
            }
        }
        timer.shutdownNow();
    }

    /** Why a connection failed, without the host label (the caller adds it). */
    static final class ConnectProblem extends Exception {
        ConnectProblem(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Session openSession(SshTarget target) throws ConnectProblem {
        Proxy proxy = null;
        if (target.via().isPresent()) {
            SshTarget via = target.via().get();
            try {
                proxy = new JumpTunnel(jumpSession(via));
            } catch (ConnectProblem problem) {
                throw new ConnectProblem("jump host " + via.user() + "@" + via.endpoint() + ": " + problem.getMessage(),
                        problem.getCause());
            }
        }
        return handshake(target, proxy);
    }

    private Session jumpSession(SshTarget via) throws ConnectProblem {
        JumpSlot slot = jumps.computeIfAbsent(via.sessionKey(), key -> new JumpSlot());
        synchronized (slot) {
            if (slot.session == null || !slot.session.isConnected()) {
                slot.session = openSession(via);
            }
            return slot.session;
        }
    }

    private Session handshake(SshTarget target, Proxy proxy) throws ConnectProblem {
        KnownHosts known = knownHosts.computeIfAbsent(target.knownHostsFiles(), KnownHosts::new);
        HostKeyCheck hostKeys = new HostKeyCheck(known, target.acceptNewHostKeys());
        KeyRing.Offer offer = keys.offerFor(target);
        if (offer.getIdentities().isEmpty()) {
            throw new ConnectProblem("no private key to log in as " + target.user() + " with"
                    + (offer.skipped().isEmpty() ? "" : " (" + String.join("; ", offer.skipped()) + ")")
                    + "; name one with ssh.identity in the descriptor or IdentityFile in the OpenSSH config,"
                    + " or load it into ssh-agent", null);
        }
        try {
            Session session = jsch.getSession(target.user(), target.hostName(), target.port());
            session.setConfig(sessionConfig(offer));
            session.setHostKeyRepository(hostKeys);
            session.setIdentityRepository(offer);
            if (proxy != null) {
                session.setProxy(proxy);
            }
            if (!target.serverAliveInterval().isZero()) {
                session.setServerAliveInterval(millis(target.serverAliveInterval()));
                session.setServerAliveCountMax(target.serverAliveCountMax());
            }
            // a forgotten close must not keep the JVM alive
            session.setDaemonThread(true);
            long start = System.nanoTime();
            session.connect(millis(target.connectTimeout()));
            LOG.log(Level.DEBUG, "connected to {0} in {1} ms ({2}, {3})", target.describe(),
                    (System.nanoTime() - start) / 1_000_000, session.getKexAlgorithm(), session.getCipherAlgorithmC2S());
            hostKeys.added().ifPresent(entry -> acceptedHostKeys.add("added " + entry.names() + " "
                    + entry.keyType() + " " + KnownHosts.fingerprint(entry.key()) + " to " + entry.where()));
            return session;
        } catch (JSchException e) {
            throw new ConnectProblem(ConnectFailures.explain(e, target, hostKeys, offer, proxy != null), e);
        }
    }

    /**
     * Algorithms OpenSSH would pick first (curve25519, ed25519, AES-GCM); only publickey auth;
     * certificate host keys left out since known_hosts @cert-authority lines are not used.
     */
    private static Hashtable<String, String> sessionConfig(KeyRing.Offer offer) {
        Hashtable<String, String> config = new Hashtable<>();
        config.put("StrictHostKeyChecking", "yes");
        config.put("HashKnownHosts", "no");
        config.put("PreferredAuthentications", "publickey");
        config.put("kex", "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
                + "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
                + "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256");
        // JSch test-instantiates every algorithm listed here on each connect; list only those that may be missing
        config.put("CheckKexes", "curve25519-sha256,curve25519-sha256@libssh.org");
        config.put("CheckSignatures", "ssh-ed25519");
        config.put("CheckCiphers", "");
        config.put("server_host_key", "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
                + "rsa-sha2-512,rsa-sha2-256");
        config.put("cipher.c2s", "aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr");
        config.put("cipher.s2c", "aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr");
        config.put("ClearAllForwardings", "yes");
        // the server lists its methods in the publickey failure anyway: skip the "none" probe round trip
        config.put("enable_auth_none", "no");
        if (offer.onlyOneFileKey()) {
            config.put("enable_pubkey_auth_query", "no");
        }
        return config;
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /** The resolved target of a host, without connecting (for dry runs and tests). */
    public SshTarget resolve(Host host) {
        return resolver.resolve(host);
    }
}
