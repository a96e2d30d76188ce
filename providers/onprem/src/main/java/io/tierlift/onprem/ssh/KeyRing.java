package io.tierlift.onprem.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The private keys of a run: key files are parsed once and agent keys listed once per agent,
 * however many hosts use them. For each target it offers keys in OpenSSH's order: agent keys
 * that match a configured IdentityFile, other agent keys (unless IdentitiesOnly), then key files
 * the agent does not hold. Passphrase-protected files are only usable through the agent:
 * tierlift never prompts.
 */
final class KeyRing {
    private static final System.Logger LOG = System.getLogger(KeyRing.class.getName());

    private final Map<Path, LoadedKey> files = new ConcurrentHashMap<>();
    private final Map<Path, List<Identity>> agents = new ConcurrentHashMap<>();

    /** A parsed key file, or why it could not be used. */
    private record LoadedKey(Optional<Identity> identity, String problem) {
    }

    /** The keys offered to one target, and what was left out, for error messages. */
    static final class Offer implements IdentityRepository {
        private final List<Identity> identities;
        private final List<String> offered;
        private final List<String> skipped;
        private final boolean fromAgent;

        Offer(List<Identity> identities, List<String> offered, List<String> skipped, boolean fromAgent) {
            this.identities = List.copyOf(identities);
            this.offered = List.copyOf(offered);
            this.skipped = List.copyOf(skipped);
            this.fromAgent = fromAgent;
        }

        List<String> offered() {
            return offered;
        }

        List<String> skipped() {
            return skipped;
        }

        /** One key read from a file: asking the server first whether it would take it only adds a round trip. */
        boolean onlyOneFileKey() {
            return identities.size() == 1 && !fromAgent;
        }

        @Override
        public String getName() {
            return "tierlift";
        }

        @Override
        public int getStatus() {
            return RUNNING;
        }

        @Override
        public Vector<Identity> getIdentities() {
            return new Vector<>(identities);
        }

        @Override
        public boolean add(byte[] identity) {
            return false;
        }

        @Override
        public boolean remove(byte[] blob) {
            return false;
        }

        @Override
        public void removeAll() {
        }
    }

    Offer offerFor(SshTarget target) {
        List<Identity> fileKeys = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<byte[]> wantedBlobs = new ArrayList<>();
        for (SshTarget.KeyFile keyFile : target.identityFiles()) {
            LoadedKey loaded = load(keyFile);
            if (loaded.identity().isEmpty()) {
                skipped.add(keyFile.path() + ": " + loaded.problem());
                continue;
            }
            Identity identity = loaded.identity().get();
            if (identity.getPublicKeyBlob() != null) {
                wantedBlobs.add(identity.getPublicKeyBlob());
            }
            fileKeys.add(identity);
        }
        List<Identity> agentKeys = target.agentSocket().map(this::agentKeys).orElse(List.of());

        List<Identity> ordered = new ArrayList<>();
        List<String> offered = new ArrayList<>();
        List<Identity> otherAgentKeys = new ArrayList<>();
        for (Identity agentKey : agentKeys) {
            if (containsBlob(wantedBlobs, agentKey.getPublicKeyBlob())) {
                ordered.add(agentKey);
                offered.add("agent key " + agentKey.getName() + " (" + agentKey.getAlgName() + ")");
            } else {
                otherAgentKeys.add(agentKey);
            }
        }
        if (!target.identitiesOnly()) {
            for (Identity agentKey : otherAgentKeys) {
                ordered.add(agentKey);
                offered.add("agent key " + agentKey.getName() + " (" + agentKey.getAlgName() + ")");
            }
        }
        for (Identity fileKey : fileKeys) {
            if (agentKeys.stream().anyMatch(a -> Arrays.equals(a.getPublicKeyBlob(), fileKey.getPublicKeyBlob()))) {
                continue;
            }
            if (fileKey.isEncrypted()) {
                skipped.add(fileKey.getName() + ": passphrase-protected and not in ssh-agent (tierlift never prompts)");
                continue;
            }
            ordered.add(fileKey);
            offered.add(fileKey.getName() + " (" + fileKey.getAlgName() + ")");
        }
        return new Offer(ordered, offered, skipped, ordered.size() > fileKeysOffered(ordered, fileKeys));
    }

    private static int fileKeysOffered(List<Identity> ordered, List<Identity> fileKeys) {
        int count = 0;
        for (Identity identity : ordered) {
            if (fileKeys.contains(identity)) {
                count++;
            }
        }
        return count;
    }

    private static boolean containsBlob(List<byte[]> blobs, byte[] blob) {
        for (byte[] b : blobs) {
            if (Arrays.equals(b, blob)) {
                return true;
            }
        }
        return false;
    }

    private LoadedKey load(SshTarget.KeyFile keyFile) {
        Path path = keyFile.path();
        if (!Files.isRegularFile(path)) {
            if (keyFile.required()) {
                throw new SshException("identity file " + path + " (ssh.identity in the descriptor) does not exist");
            }
            return new LoadedKey(Optional.empty(), "no such file");
        }
        return files.computeIfAbsent(path, p -> {
            try {
                // a throwaway JSch parses the file: JSch's own parser, none of its state shared
                JSch parser = new JSch();
                parser.setInstanceLogger(new JschDebugLog());
                parser.addIdentity(p.toString());
                Vector<Identity> parsed = parser.getIdentityRepository().getIdentities();
                if (parsed.isEmpty()) {
                    return new LoadedKey(Optional.empty(), "no key in the file");
                }
                return new LoadedKey(Optional.of(parsed.get(0)), "");
            } catch (JSchException e) {
                return new LoadedKey(Optional.empty(), "not a usable private key (" + e.getMessage() + ")");
            }
        });
    }

    private List<Identity> agentKeys(Path socket) {
        return agents.computeIfAbsent(socket, s -> {
            try {
                AgentIdentityRepository agent = new AgentIdentityRepository(
                        new SSHAgentConnector(new UnixDomainSocketFactory(), s));
                if (agent.getStatus() != IdentityRepository.RUNNING) {
                    LOG.log(Level.DEBUG, "ssh-agent at {0} is not running", s);
                    return List.of();
                }
                return List.copyOf(agent.getIdentities());
            } catch (AgentProxyException | RuntimeException e) {
                LOG.log(Level.DEBUG, "ssh-agent at {0} cannot be used: {1}", s, e.toString());
                return List.of();
            }
        });
    }
}
