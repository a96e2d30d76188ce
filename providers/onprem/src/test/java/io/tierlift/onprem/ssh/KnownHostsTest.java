package io.tierlift.onprem.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KnownHostsTest {
    // made with ssh-keygen; the fingerprint is what ssh-keygen -lf printed for KEY
    static final String KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIN4jB21eSN4xMLliql6VuLslryR0OJ6RyyoEQ+bSGnyd";
    static final String KEY_FINGERPRINT = "SHA256:lLOI3zmZGvwV9IEgk8/cuplpZvQzpu8FzC62reFBuAc";
    static final String OTHER_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIHtGsd1tWGXGORp+IzFx/c/2oi6A11F6DFbNcPQbleVQ";
    // ssh-keygen -H of "[10.0.0.5]:2222" and "web1.example.com", both with KEY
    static final String HASHED_PORT = "|1|ocMpwhvw+YU4Uxagv2CqV/BOzc0=|6xEWZtF/RdpNAwssy+pEc4/V1Ao=";
    static final String HASHED_WEB1 = "|1|zajsFgKVdRdcKLZ1d7Rj7MWPQ4U=|7lVW1HqP1e9kH6revlyJQnStQDg=";
    static final byte[] KEY = Base64.getDecoder().decode(KEY_B64);
    static final byte[] OTHER = Base64.getDecoder().decode(OTHER_B64);

    @TempDir
    Path dir;

    private KnownHosts file(String text) throws IOException {
        return new KnownHosts(List.of(Files.writeString(dir.resolve("known_hosts"), text)));
    }

    @Test
    void fingerprintAndTypeMatchOpenSsh() {
        assertThat(KnownHosts.fingerprint(KEY)).isEqualTo(KEY_FINGERPRINT);
        assertThat(KnownHosts.keyType(KEY)).isEqualTo("ssh-ed25519");
        assertThat(KnownHosts.lookupName("h", 22)).isEqualTo("h");
        assertThat(KnownHosts.lookupName("h", 2222)).isEqualTo("[h]:2222");
    }

    @Test
    void plainNamesListsAndPorts() throws IOException {
        KnownHosts kh = file("""
                # comment
                web1,10.0.2.11 ssh-ed25519 %s
                [10.0.0.5]:2222 ssh-ed25519 %s
                """.formatted(KEY_B64, KEY_B64));
        assertThat(kh.check("web1", KEY)).isInstanceOf(KnownHosts.Known.class);
        assertThat(kh.check("10.0.2.11", KEY)).isInstanceOf(KnownHosts.Known.class);
        assertThat(kh.check("[10.0.0.5]:2222", KEY)).isInstanceOf(KnownHosts.Known.class);
        // the same host on another port is another entry
        assertThat(kh.check("10.0.0.5", KEY)).isInstanceOf(KnownHosts.Unknown.class);
        assertThat(kh.check("[10.0.0.5]:2223", KEY)).isInstanceOf(KnownHosts.Unknown.class);
    }

    @Test
    void hashedNamesMadeByOpenSsh() throws IOException {
        KnownHosts kh = file(HASHED_PORT + " ssh-ed25519 " + KEY_B64 + "\n" + HASHED_WEB1 + " ssh-ed25519 " + KEY_B64 + "\n");
        assertThat(kh.check("[10.0.0.5]:2222", KEY)).isInstanceOf(KnownHosts.Known.class);
        assertThat(kh.check("web1.example.com", KEY)).isInstanceOf(KnownHosts.Known.class);
        assertThat(kh.check("web2.example.com", KEY)).isInstanceOf(KnownHosts.Unknown.class);
        assertThat(kh.check("web1.example.com", OTHER)).isInstanceOf(KnownHosts.Changed.class);
    }

    @Test
    void wildcardsAndNegation() throws IOException {
        KnownHosts kh = file("*.example.com,!evil.example.com ssh-ed25519 " + KEY_B64 + "\n");
        assertThat(kh.check("web1.example.com", KEY)).isInstanceOf(KnownHosts.Known.class);
        assertThat(kh.check("evil.example.com", KEY)).isInstanceOf(KnownHosts.Unknown.class);
    }

    @Test
    void aDifferentKeyOfTheSameTypeIsAChangeNamingTheLine() throws IOException {
        KnownHosts kh = file("\n# c\nweb1 ssh-ed25519 " + KEY_B64 + "\n");
        KnownHosts.Verdict verdict = kh.check("web1", OTHER);
        assertThat(verdict).isInstanceOf(KnownHosts.Changed.class);
        KnownHosts.Entry old = ((KnownHosts.Changed) verdict).known().get(0);
        assertThat(old.line()).isEqualTo(3);
        assertThat(old.where()).endsWith("known_hosts line 3");
        assertThat(KnownHosts.fingerprint(old.key())).isEqualTo(KEY_FINGERPRINT);
    }

    @Test
    void aKeyOfAnotherTypeIsUnknownButReported() throws IOException {
        String rsa = "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7";
        KnownHosts kh = file("web1 ssh-rsa " + Base64.getEncoder().encodeToString(rsaBlob()) + "\n" + "junk " + rsa + "\n");
        KnownHosts.Verdict verdict = kh.check("web1", KEY);
        assertThat(verdict).isInstanceOf(KnownHosts.Unknown.class);
        assertThat(((KnownHosts.Unknown) verdict).otherTypes()).extracting(KnownHosts.Entry::keyType).containsExactly("ssh-rsa");
    }

    private static byte[] rsaBlob() {
        byte[] type = "ssh-rsa".getBytes();
        byte[] blob = new byte[4 + type.length + 8];
        blob[3] = (byte) type.length;
        System.arraycopy(type, 0, blob, 4, type.length);
        return blob;
    }

    @Test
    void revokedKeysAreRefusedEvenIfAlsoListedAsGood() throws IOException {
        KnownHosts kh = file("web1 ssh-ed25519 " + KEY_B64 + "\n@revoked * ssh-ed25519 " + KEY_B64 + "\n");
        assertThat(kh.check("web1", KEY)).isInstanceOf(KnownHosts.Revoked.class);
    }

    @Test
    void certAuthorityLinesNeverVouchForAKey() throws IOException {
        KnownHosts kh = file("@cert-authority * ssh-ed25519 " + KEY_B64 + "\n");
        assertThat(kh.check("web1", KEY)).isInstanceOf(KnownHosts.Unknown.class);
    }

    @Test
    void malformedLinesAreSkipped() throws IOException {
        KnownHosts kh = file("web1 ssh-ed25519 not-base64!!\nweb1 ssh-rsa " + KEY_B64 + "\nweb1\n");
        assertThat(kh.check("web1", KEY)).isInstanceOf(KnownHosts.Unknown.class);
    }

    @Test
    void addAppendsAnOpenSshLineToTheFirstFileAndRemembersIt() throws IOException {
        Path first = dir.resolve("sub/known_hosts");
        Path second = Files.writeString(dir.resolve("second"), "web9 ssh-ed25519 " + OTHER_B64 + "\n");
        KnownHosts kh = new KnownHosts(List.of(first, second));
        assertThat(kh.check("web9", OTHER)).isInstanceOf(KnownHosts.Known.class);
        KnownHosts.Entry added = kh.add("[10.0.0.5]:2222", KEY);
        assertThat(added.line()).isEqualTo(1);
        assertThat(Files.readString(first)).isEqualTo("[10.0.0.5]:2222 ssh-ed25519 " + KEY_B64 + "\n");
        assertThat(kh.check("[10.0.0.5]:2222", KEY)).isInstanceOf(KnownHosts.Known.class);
        // a file without a final newline gets one before the new line
        Files.writeString(first, "a ssh-ed25519 " + OTHER_B64);
        KnownHosts again = new KnownHosts(List.of(first));
        assertThat(again.add("b", KEY).line()).isEqualTo(2);
        assertThat(Files.readAllLines(first)).containsExactly("a ssh-ed25519 " + OTHER_B64, "b ssh-ed25519 " + KEY_B64);
        assertThat(new KnownHosts(List.of(first)).check("b", KEY)).isInstanceOf(KnownHosts.Known.class);
    }
}
