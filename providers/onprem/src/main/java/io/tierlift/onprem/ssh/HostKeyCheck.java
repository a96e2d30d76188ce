package io.tierlift.onprem.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host key decision for one connection attempt, plugged into JSch (which runs with
 * StrictHostKeyChecking=yes, so anything but OK ends the handshake). It remembers why it said
 * no, so the connector can explain the refusal in OpenSSH's terms. A changed or revoked key is
 * refused whatever {@code acceptNew} says.
 */
final class HostKeyCheck implements HostKeyRepository {
    private final KnownHosts knownHosts;
    private final boolean acceptNew;
    private volatile Refusal refusal;
    private volatile KnownHosts.Entry added;

    HostKeyCheck(KnownHosts knownHosts, boolean acceptNew) {
        this.knownHosts = knownHosts;
        this.acceptNew = acceptNew;
    }

    /** Why the key was refused: what was looked up, the key the server offered, the verdict. */
    record Refusal(String lookupName, byte[] offered, KnownHosts.Verdict verdict, Optional<IOException> writeError) {
    }

    Optional<Refusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    Optional<KnownHosts.Entry> added() {
        return Optional.ofNullable(added);
    }

    KnownHosts knownHosts() {
        return knownHosts;
    }

    @Override
    public int check(String host, byte[] key) {
        KnownHosts.Verdict verdict = knownHosts.check(host, key);
        if (verdict instanceof KnownHosts.Known) {
            return OK;
        }
        if (verdict instanceof KnownHosts.Unknown && acceptNew) {
            try {
                added = knownHosts.add(host, key);
                return OK;
            } catch (IOException e) {
                refusal = new Refusal(host, key.clone(), verdict, Optional.of(e));
                return NOT_INCLUDED;
            }
        }
        refusal = new Refusal(host, key.clone(), verdict, Optional.empty());
        return verdict instanceof KnownHosts.Unknown ? NOT_INCLUDED : CHANGED;
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // JSch only adds keys under StrictHostKeyChecking=no/ask, which tierlift never uses
    }

    @Override
    public void remove(String host, String type) {
        // known_hosts is never edited by tierlift beyond accept-new appends
    }

    @Override
    public void remove(String host, String type, byte[] key) {
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return knownHosts.files().get(0).toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return new HostKey[0];
    }

    /** JSch asks this to put the key types already known first in its proposal, as OpenSSH does. */
    @Override
    public HostKey[] getHostKey(String host, String type) {
        List<HostKey> keys = new ArrayList<>();
        for (KnownHosts.Entry entry : knownHosts.entriesFor(host)) {
            if (type != null && !type.equals(entry.keyType())) {
                continue;
            }
            try {
                keys.add(new HostKey(host, entry.key()));
            } catch (JSchException e) {
                // a key type JSch does not know cannot be preferred; skip it
            }
        }
        return keys.toArray(HostKey[]::new);
    }
}
