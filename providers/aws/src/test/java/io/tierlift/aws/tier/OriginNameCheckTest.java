package io.tierlift.aws.tier;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class OriginNameCheckTest {
    private static final String ALB = "notes-alb-123.eu-west-1.elb.amazonaws.com";
    private static final String ORIGIN = "origin.notes.example.com";

    @TempDir
    Path dir;

    private final List<String> lookedUp = new ArrayList<>();

    private OriginNameCheck check(Map<String, Set<String>> dns) {
        return new OriginNameCheck(name -> {
            lookedUp.add(name);
            return dns.getOrDefault(name, Set.of());
        });
    }

    @Test
    void anOriginNameThatResolvesToTheLoadBalancerIsSaidToDoSo() throws IOException {
        String line = check(Map.of(ORIGIN, Set.of("198.51.100.7", "198.51.100.8"), ALB, Set.of("198.51.100.8")))
                .describe(descriptor(true, false), ALB, false);
        assertThat(line).isEqualTo(ORIGIN + " resolves to " + ALB);
    }

    @Test
    void anOriginNameThatDoesNotResolveYetNamesTheRecordToMakeAndThe502() throws IOException {
        String line = check(Map.of(ALB, Set.of("198.51.100.8"))).describe(descriptor(true, false), ALB, false);
        assertThat(line).contains(ORIGIN + " must resolve to " + ALB).contains("does not resolve yet").contains("502");
    }

    @Test
    void anOriginNameLeadingElsewhereSaysWhereItLeads() throws IOException {
        String line = check(Map.of(ORIGIN, Set.of("203.0.113.9"), ALB, Set.of("198.51.100.8")))
                .describe(descriptor(true, false), ALB, false);
        assertThat(line).contains("resolves to 203.0.113.9 instead");
    }

    @Test
    void aManagedZoneGetsTheRecordFromTheStackAndNothingIsLookedUp() throws IOException {
        String line = check(Map.of()).describe(descriptor(true, true), ALB, false);
        assertThat(line).contains("is an alias of " + ALB).contains("Z0123456789ABCDEFGHIJ");
        assertThat(lookedUp).isEmpty();
    }

    @Test
    void nothingIsLookedUpAgainstAnEmulatorOrOverPlainHttp() throws IOException {
        assertThat(check(Map.of()).describe(descriptor(true, false), ALB, true)).contains("not looked up");
        assertThat(check(Map.of()).describe(descriptor(false, false), ALB, false)).isEqualTo(ALB + " (plain HTTP)");
        assertThat(lookedUp).isEmpty();
    }

    private AppDescriptor descriptor(boolean https, boolean managedZone) throws IOException {
        Files.createDirectories(dir.resolve("backend/notes"));
        Files.writeString(dir.resolve("backend/notes/app.py"), "app = None\n");
        Files.writeString(dir.resolve("backend/requirements.txt"), "flask\n");
        String target = https
                ? "certificate_arn: \"arn:aws:acm:eu-west-1:123456789012:certificate/33333333-4444-5555-6666-777777777777\"\n"
                + "    origin_domain: " + ORIGIN + "\n"
                + "    domain: notes.example.com\n"
                + "    cloudfront_certificate_arn: \"arn:aws:acm:us-east-1:123456789012:certificate/44444444-5555-6666-7777-888888888888\"\n"
                : "allow_http: true\n";
        Path file = dir.resolve("app.yaml");
        Files.writeString(file, """
                app: notes
                backend: { path: backend, wsgi: "notes.app:app" }
                database: { name: notes, user: notes, password: "${env:NOTES_DB_PASSWORD}", version: 15 }
                targets:
                  aws-iaas:
                    region: eu-west-1
                    %s""".formatted(target)
                + (managedZone ? "dns: { zone_id: Z0123456789ABCDEFGHIJ, name: notes.example.com }\n" : ""));
        return new DescriptorLoader().load(file, Optional.empty()).descriptor();
    }
}
