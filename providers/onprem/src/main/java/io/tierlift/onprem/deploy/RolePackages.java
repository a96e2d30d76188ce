package io.tierlift.onprem.deploy;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Role;
import io.tierlift.render.onprem.edge.EdgeTopology;

import java.util.ArrayList;
import java.util.List;

/**
 * The Debian packages a host needs before the files tierlift renders for its roles can work: the
 * one rule the probe asks about, the plan shows and the deploy installs. A host needs SSH, sudo
 * and python3 before the first deploy (docs/guides/onprem.md); everything else comes from here.
 */
public final class RolePackages {
    private RolePackages() {
    }

    public static List<String> of(AppDescriptor descriptor, OnpremTarget target, Host host) {
        EdgeTopology edge = EdgeTopology.of(descriptor);
        List<String> packages = new ArrayList<>();
        packages.add("nftables");
        if (edge.isEdgeHost(host)) {
            packages.add("nginx");
            // The maintenance switch (migrate, restore) asks each edge host for the answer its nginx gives.
            packages.add("curl");
            if (target.tls().isEmpty()) {
                packages.add("openssl");
            }
            if (edge.runsModSecurity(host)) {
                packages.add("libnginx-mod-http-modsecurity");
                packages.add("modsecurity-crs");
            }
        }
        if (host.has(Role.APP)) {
            packages.add("python3-venv");
            packages.add("curl");
            // Python projects the descriptor takes from Debian instead of wheels.
            packages.addAll(descriptor.backend().systemPackages().keySet());
        }
        if (host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY)) {
            packages.add(postgresPackage(descriptor));
        }
        boolean backedUp = descriptor.database().backup().isPresent();
        if (backedUp && (host.has(Role.DB_PRIMARY) || host.has(Role.DB_STANDBY) || host.has(Role.BACKUP))) {
            packages.add("pgbackrest");
            // Each pgBackRest host makes its key and certificate request; the backup host's CA signs them.
            if (!packages.contains("openssl")) {
                packages.add("openssl");
            }
        }
        return List.copyOf(packages);
    }

    static String postgresPackage(AppDescriptor descriptor) {
        return "postgresql-" + descriptor.database().version();
    }
}
