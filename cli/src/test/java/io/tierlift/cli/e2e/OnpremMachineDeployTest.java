package io.tierlift.cli.e2e;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OnpremDeployBehaviour} on real servers: five Debian 12 machines booted with systemd, with
 * nothing but sshd, sudo and python3, reached as the sudo user deploy (examples/notes/machines.yaml).
 * The deploy installs what each role needs from the machines' package cache; on top of what every
 * kind of host shows, a machine shows its packages, its systemd units, a reboot and the passwords
 * PostgreSQL's clients normalise.
 */
class OnpremMachineDeployTest extends OnpremDeployBehaviour {
    @Override
    protected SandboxWorld createWorld() throws IOException {
        return SandboxWorld.machines("machines.yaml", 48, "tl-bremdep", "debian12");
    }

    /** Under systemd Gunicorn logs to journald, under its unit's name. */
    @Override
    protected String appLog(String host) {
        return world.exec(host, "journalctl --no-pager -a -o cat -u notes-api").stdout();
    }

    private String inHost(String host, String script) {
        return world.exec(host, script).stdout().strip();
    }

    @Test
    @Order(1)
    void aBareMachineHasNoneOfThePackagesAndPlanListsThemAsActions() {
        assertThat(inHost("edge1", "dpkg-query -W -f='${db:Status-Abbrev}' nginx 2>/dev/null")).as("a bare machine").isNotEqualTo("ii");
        Cli plan = tierlift("plan", "onprem", "-f", file(), "--accept-new-host-keys");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("onprem.db1.packages").contains("install nftables, postgresql-15");
    }

    @Test
    @Order(11)
    void eachRoleGotWhatItNeedsAndItsServicesRunUnderSystemd() {
        assertThat(firstDeploy.err()).contains("installing nftables, nginx");
        assertThat(inHost("edge1", "dpkg-query -W -f='${db:Status-Abbrev}${Package}\\n' nginx libnginx-mod-http-modsecurity modsecurity-crs").lines())
                .containsExactlyInAnyOrder("ii nginx", "ii libnginx-mod-http-modsecurity", "ii modsecurity-crs");
        assertThat(inHost("app1", "dpkg-query -W -f='${db:Status-Abbrev}' nginx 2>/dev/null")).as("only what the role needs")
                .isNotEqualTo("ii");
        assertThat(inHost("edge1", "systemctl is-active nginx; systemctl is-enabled nginx")).isEqualTo("active\nenabled");
        for (String app : List.of("app1", "app2")) {
            assertThat(inHost(app, "systemctl is-active notes-api; systemctl is-enabled notes-api")).isEqualTo("active\nenabled");
        }
        for (String db : List.of("db1", "db2")) {
            assertThat(inHost(db, "systemctl is-active postgresql@15-main")).isEqualTo("active");
        }
        for (var host : world.hosts) {
            assertThat(inHost(host.name(), "systemctl is-enabled tierlift-firewall; systemctl --failed --plain --no-legend"))
                    .as("the firewall unit is enabled and no unit failed on " + host.name()).isEqualTo("enabled");
        }
    }

    @Test
    @Order(12)
    void rolePasswordsWithCharactersSaslprepChangesLogInThroughPsycopg2() throws IOException {
        String password = Files.readString(world.stateDir.resolve("secrets/notes-db-password")).strip();
        assertThat(password).contains("\ufb01").contains("\u00a0");
        // The app's own login: its environment file (DATABASE_URL, as the service gets it) and psycopg2.
        String login = inHost("app1", "cd / && runuser -u notes -- /usr/bin/python3 /usr/local/lib/tierlift/envexec.py "
                + "/etc/notes/app-env.json -- /srv/notes/current/venv/bin/python -c \"import os, psycopg2; "
                + "c = psycopg2.connect(os.environ['DATABASE_URL']); cur = c.cursor(); "
                + "cur.execute('select current_user'); print(cur.fetchone()[0])\"");
        assertThat(login).isEqualTo("notes");
        assertThat(inHost("db2", "runuser -u postgres -- psql -At -c 'select status from pg_stat_wal_receiver'"))
                .as("the standby logs in with the replication password").isEqualTo("streaming");
    }

    @Test
    @Order(75)
    void aRestartedAppHostAndStandbyComeBackServingAndStreamingWithoutTierlift() throws Exception {
        for (String host : List.of("app1", "db2")) {
            world.restart(host);
        }
        for (String host : world.hosts.stream().map(h -> h.name()).toList()) {
            assertThat(inHost(host, "systemctl is-enabled tierlift-firewall; nft list table inet tierlift >/dev/null && echo rules"))
                    .as("the firewall of " + host).isEqualTo("enabled\nrules");
        }
        assertThat(inHost("app1", "systemctl is-active --wait notes-api 2>/dev/null || systemctl is-active notes-api"))
                .isEqualTo("active");
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 40 && servedBy.size() < 2; i++) {
            world.curl("-D", "-", edge + "/api/health").body().lines().filter(l -> l.toLowerCase().startsWith("x-served-by:"))
                    .forEach(l -> servedBy.add(l.substring(l.indexOf(':') + 1).strip()));
            Thread.sleep(250);
        }
        assertThat(servedBy).as("app1 serves again after its reboot").contains("app1");

        String streaming = "";
        for (int i = 0; i < 100 && !streaming.equals("streaming"); i++) {
            streaming = inHost("db2", "runuser -u postgres -- psql -At -c 'select status from pg_stat_wal_receiver' 2>/dev/null");
            Thread.sleep(200);
        }
        assertThat(streaming).as("the standby streams again after its reboot").isEqualTo("streaming");
        SandboxWorld.CurlResult created = world.curl("-X", "POST", "-H", "Content-Type: application/json",
                "--data", "{\"body\": \"after the reboot\"}", edge + "/api/notes");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String rows = "";
        for (int i = 0; i < 50 && !rows.equals("1"); i++) {
            rows = inHost("db2", "runuser -u postgres -- psql -At -d notes -c \"select count(*) from notes where body = 'after the reboot'\"");
            Thread.sleep(100);
        }
        assertThat(rows).isEqualTo("1");
    }

    @Test
    @Order(200)
    void aPostgresqlVersionTheSourcesDoNotOfferIsRefusedWithTheFixAndNothingChanges() throws IOException {
        Path other = world.descriptor.resolveSibling("app-pg17.yaml");
        Files.writeString(other, Files.readString(world.descriptor).replace("database:\n", "database:\n  version: 17\n"));
        String before = inHost("db1", "ls /etc/postgresql; dpkg-query -W -f='${Package}\\n' 'postgresql-*' 2>/dev/null | sort");
        Cli plan = tierlift("plan", "onprem", "-f", other.toString());
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(1);
        assertThat(plan.err()).contains("offer no postgresql-17").contains("apt.postgresql.org").contains("database.version");
        Cli deploy = tierlift("deploy", "onprem", "-f", other.toString(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isEqualTo(1);
        assertThat(inHost("db1", "ls /etc/postgresql; dpkg-query -W -f='${Package}\\n' 'postgresql-*' 2>/dev/null | sort"))
                .isEqualTo(before);
    }
}
