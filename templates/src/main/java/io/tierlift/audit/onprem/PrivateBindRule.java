package io.tierlift.audit.onprem;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;
import io.tierlift.model.Host;
import io.tierlift.provider.RenderedFile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Internal services listen on the host's own private (RFC 1918) address only: nginx servers that
 * are not the client-facing HTTP/HTTPS ports, Gunicorn and PostgreSQL. A wildcard address would
 * expose them on every interface the host has, including ones added later.
 */
final class PrivateBindRule extends OnpremRule {
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"|'([^']*)'");

    PrivateBindRule() {
        super("onprem.private-bind", Severity.HIGH,
                "internal nginx servers, Gunicorn and PostgreSQL listen on the host's own RFC 1918 address only",
                "give the host a private address (10/8, 172.16/12, 192.168/16) in targets.onprem.hosts.<host>.address and bind to it, never 0.0.0.0, * or a bare port");
    }

    @Override
    void check(OnpremFiles files, List<Finding> findings) {
        
        int http = files.target().edge().httpPort();
        int https = files.target().edge().httpsPort();
        for (Host host : files.hosts()) {
            boolean clientFacing = files.clientFacingHosts().contains(host);
            for (OnpremFiles.Located l : files.nginx(host.name())) {
                if (!l.directive().name().equals("listen")) {
                    continue;
                }
                String listen = l.directive().arg(0);
                String port = listen.contains(":") ? listen.substring(listen.lastIndexOf(':') + 1) : listen;
                boolean publicPort = clientFacing
                        && (port.equals(String.valueOf(http)) || port.equals(String.valueOf(https)));
                if (!publicPort) {
                    checkAddress(host, listen.contains(":") ? listen.substring(0, listen.lastIndexOf(':')) : "",
                            "nginx listens on '" + listen + "'", findings, l.path(), l.directive().line());
                }
            }
            for (RenderedFile file : files.filesOf(host.name())) {
                if (!OnpremFiles.pathOf(file).endsWith("gunicorn.conf.py")) {
                    continue;
                }
                String[] lines = file.contentAsText().split("\n", -1);
                for (int i = 0; i < lines.length; i++) {
                    String text = OnpremFiles.stripComment(lines[i]).trim();
                    if (!text.matches("bind\\s*=.*")) {
                        continue;
                    }
                    for (String bind : quoted(text)) {
                        String address = bind.contains(":") ? bind.substring(0, bind.lastIndexOf(':')) : bind;
                        checkAddress(host, address, "Gunicorn binds '" + bind + "'", findings, OnpremFiles.pathOf(file), i + 1);
                    }
                }
            }
            files.postgresSetting(host.name(), "listen_addresses").ifPresent(line -> {
                for (String address : OnpremFiles.settingValue(line).split(",")) {
                    checkAddress(host, address.trim(), "PostgreSQL listens on '" + address.trim() + "'", findings, line.path(), line.number());
                }
            });
        }
    }

    private void checkAddress(Host host, String address, String what, List<Finding> findings, String path, int line) {
        if (address.equals(host.address()) && OnpremFiles.isPrivate(address)) {
            return;
        }
        String why = address.equals(host.address()) ? " (not an RFC 1918 address)" : " (not the host's own address " + host.address() + ")";
        findings.add(finding(io.tierlift.audit.Where.file(host.name(), path, line), what + why));
    }

    private static List<String> quoted(String text) {
        List<String> values = new ArrayList<>();
        Matcher m = QUOTED.matcher(text);
        while (m.find()) {
            values.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return values;
    }
}
