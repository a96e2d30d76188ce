package io.tierlift.audit.onprem;

import io.tierlift.audit.AuditInput;
import io.tierlift.audit.NginxDirective;
import io.tierlift.audit.NginxSyntax;
import io.tierlift.model.Host;
import io.tierlift.model.OnpremTarget;
import io.tierlift.provider.RenderedFile;
import io.tierlift.render.onprem.edge.EdgeTopology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The on-prem rendering seen host by host: on-prem locations are {@code <host>/<absolute path>}.
 * Rules ask this view for a host's nginx statements, PostgreSQL settings, pg_hba lines and
 * firewall, instead of each rule re-deriving paths.
 */
final class OnpremFiles {
    /** A statement of one of a host's nginx files. */
    record Located(String path, NginxDirective directive) {
    }

    /** A non-comment line of a line-oriented file (postgresql.conf, pg_hba.conf, nft). */
    record Line(String path, int number, String text) {
    }

    private final AuditInput input;

    OnpremFiles(AuditInput input) {
        this.input = input;
    }

    io.tierlift.model.AppDescriptor app() {
        return input.app();
    }

    OnpremTarget target() {
        return input.app().targets().onprem().orElseThrow();
    }

    List<Host> hosts() {
        return target().hosts();
    }

    List<Host> clientFacingHosts() {
        return EdgeTopology.of(input.app()).clientFacingHosts();
    }

    static String hostOf(RenderedFile file) {
        int slash = file.location().indexOf('/');
        return slash < 0 ? "" : file.location().substring(0, slash);
    }

    static String pathOf(RenderedFile file) {
        int slash = file.location().indexOf('/');
        return slash < 0 ? file.location() : file.location().substring(slash);
    }

    List<RenderedFile> filesOf(String host) {
        return input.files().stream().filter(f -> hostOf(f).equals(host)).toList();
    }

    Optional<RenderedFile> file(String host, String path) {
        return input.file(host + path);
    }

    /** Every statement of the host's nginx configuration (ModSecurity's files are another syntax). */
    List<Located> nginx(String host) {
        List<Located> result = new ArrayList<>();
        NginxSyntax syntax = new NginxSyntax();
        for (RenderedFile file : filesOf(host)) {
            String path = pathOf(file);
            if (path.startsWith("/etc/nginx/") && !path.startsWith("/etc/nginx/modsecurity/")
                    && (path.endsWith(".conf") || path.endsWith(".types"))) {
                for (NginxDirective d : syntax.parse(file.contentAsText())) {
                    result.add(new Located(path, d));
                }
            }
        }
        return result;
    }

    List<Line> modsecurity(String host) {
        return lines(host, p -> p.startsWith("/etc/nginx/modsecurity/"));
    }

    List<Line> postgresConf(String host) {
        return lines(host, p -> p.startsWith("/etc/postgresql/") && p.contains("/conf.d/") && p.endsWith(".conf"));
    }

    List<Line> hba(String host) {
        return lines(host, p -> p.startsWith("/etc/postgresql/") && p.endsWith("/pg_hba.conf"));
    }

    List<Line> firewall(String host) {
        return lines(host, p -> p.equals("/etc/tierlift/firewall.nft"));
    }

    boolean hasFirewall(String host) {
        return file(host, "/etc/tierlift/firewall.nft").isPresent();
    }

    /** The value of a PostgreSQL setting on the host, unquoted, if a rendered conf.d file sets it. */
    Optional<Line> postgresSetting(String host, String name) {
        Line found = null;
        for (Line line : postgresConf(host)) {
            int eq = line.text().indexOf('=');
            if (eq > 0 && line.text().substring(0, eq).trim().equals(name)) {
                found = line;
            }
        }
        return Optional.ofNullable(found);
    }

    static String settingValue(Line line) {
        String value = line.text().substring(line.text().indexOf('=') + 1).trim();
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            value = value.substring(1, value.length() - 1);
        }
        return value;
    }

    private List<Line> lines(String host, java.util.function.Predicate<String> wanted) {
        List<Line> result = new ArrayList<>();
        for (RenderedFile file : filesOf(host)) {
            String path = pathOf(file);
            if (!wanted.test(path)) {
                continue;
            }
            String[] lines = file.contentAsText().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String text = stripComment(lines[i]).trim();
                if (!text.isEmpty()) {
                    result.add(new Line(path, i + 1, text));
                }
            }
        }
        return result;
    }

    /** Drops a trailing {@code #} comment that is outside quotes. */
    static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** RFC 1918 private IPv4 space. */
    static boolean isPrivate(String address) {
        if (!io.tierlift.model.Ipv4.isValid(address)) {
            return false;
        }
        long a = io.tierlift.model.Ipv4.parse(address);
        return io.tierlift.model.Cidr.parse("10.0.0.0/8").contains(a)
                || io.tierlift.model.Cidr.parse("172.16.0.0/12").contains(a)
                || io.tierlift.model.Cidr.parse("192.168.0.0/16").contains(a);
    }
}
