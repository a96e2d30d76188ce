package io.tierlift.render.onprem.edge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/**
 * What the real-nginx tests need on the machine. A missing piece fails the test with the Debian
 * package to install; nothing is skipped.
 */
final class RealEdgeTools {
    private record Need(Path path, String what) {
    }

    private static final List<Need> NEEDS = List.of(
            new Need(Path.of("/usr/sbin/nginx"), "nginx (Debian package nginx)"),
            new Need(Path.of(EdgeTopology.MODSECURITY_MODULE), "the ModSecurity module (libnginx-mod-http-modsecurity)"),
            new Need(Path.of(EdgeTopology.MODSECURITY_UNICODE_MAP), "ModSecurity's unicode map (libnginx-mod-http-modsecurity)"),
            new Need(Path.of("/usr/share/modsecurity-crs/rules/REQUEST-901-INITIALIZATION.conf"), "the OWASP CRS (modsecurity-crs)"),
            new Need(Path.of("/usr/bin/openssl"), "openssl (openssl)"),
            new Need(Path.of("/usr/bin/unshare"), "unshare (util-linux)"),
            new Need(Path.of("/usr/sbin/ip"), "ip (iproute2)"),
            new Need(Path.of("/usr/bin/curl"), "curl (curl)"),
            new Need(Path.of("/usr/bin/python3"), "python3 (python3)"));

    private RealEdgeTools() {
    }

    static void require() {
        List<String> missing = new ArrayList<>();
        for (Need need : NEEDS) {
            if (!Files.isRegularFile(need.path())) {
                missing.add(need.what() + " at " + need.path());
            }
        }
        if (!missing.isEmpty()) {
            fail("the real-nginx edge tests need: %s", String.join("; ", missing));
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("the real-nginx edge tests create network and mount namespaces and must run as root, not %s",
                    System.getProperty("user.name"));
        }
    }
}
