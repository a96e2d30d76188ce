package io.tierlift.onprem.command;

import io.tierlift.descriptor.DescriptorLoader;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.OnpremTarget;
import io.tierlift.model.Targets;
import io.tierlift.render.onprem.edge.EdgeTopology;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inputs paired with the commands they build, as pyinfra's operation tests do: the values travel
 * as positional parameters after the fixed script, never inside it.
 */
class ServiceCommandsTest {
    private final ServiceCommands commands = new ServiceCommands(false, "notes", "/srv/notes", 16, 5432);

    @Test
    void appUserAndFoldersTakesTheAppAndItsRoot() {
        RemoteCommand command = commands.appUserAndFolders();

        assertThat(command.argv()).startsWith("sh", "-c").endsWith("tierlift", "notes", "/srv/notes");
        assertThat(script(command)).isEqualTo(String.join("\n",
                "app=$1; root=$2",
                "getent group \"$app\" >/dev/null || groupadd --system \"$app\"",
                "getent passwd \"$app\" >/dev/null || useradd --system --gid \"$app\" --home-dir \"$root\" --no-create-home --shell /usr/sbin/nologin \"$app\"",
                "install -d -m 0755 \"$root\" \"$root/releases\"",
                "install -d -o \"$app\" -g \"$app\" -m 0750 \"/var/log/$app\""));
    }

    @Test
    void releaseCommandRunsAsTheAppUserWithTheAppEnvironment() {
        RemoteCommand command = commands.appReleaseCommand("/srv/notes/releases/r-0123456789ab", "flask db upgrade");

        assertThat(parameters(command)).containsExactly("/srv/notes/releases/r-0123456789ab", "notes",
                "/usr/local/lib/tierlift/envexec.py", "/etc/notes/app-env.json", "flask db upgrade");
        assertThat(script(command)).isEqualTo(String.join("\n",
                "cd \"$1/backend\"",
                "exec runuser -u \"$2\" -- /usr/bin/python3 \"$3\" \"$4\" -- env PATH=\"$1/venv/bin:/usr/bin:/bin\" sh -c \"$5\""));
    }

    @Test
    void aCommandWithShellCharactersStaysOneQuotedParameter() {
        RemoteCommand command = commands.appReleaseCommand("/srv/notes/releases/r-0123456789ab", "flask db upgrade; echo '$HOME'");

        assertThat(command.toShell()).endsWith(" 'flask db upgrade; echo '\\''$HOME'\\'''");
        assertThat(script(command)).doesNotContain("flask");
    }

    @Test
    void aNewClusterIsUtf8WithAUtf8LocaleWhateverTheHostsLocale() {
        assertThat(commands.postgresCreateCluster().argv())
                .containsExactly("pg_createcluster", "--port", "5432", "--encoding=UTF8", "--locale=C.UTF-8", "16", "main");
    }

    @Test
    void cloneFromThePrimaryReplacesTheDataFolderWithABaseBackupOverASlot() {
        RemoteCommand command = commands.postgresCloneFrom("10.0.3.10", "replicator", "standby_db_2");

        assertThat(parameters(command)).containsExactly("/var/lib/postgresql/16/main", "10.0.3.10", "5432", "replicator", "standby_db_2");
        assertThat(script(command)).isEqualTo(String.join("\n",
                "set -e",
                "data=$1; host=$2; port=$3; user=$4; slot=$5",
                "find \"$data\" -mindepth 1 -delete",
                "runuser -u postgres -- env PGPASSFILE=/var/lib/postgresql/.pgpass pg_basebackup -h \"$host\" -p \"$port\" -U \"$user\""
                        + " -D \"$data\" -X stream -C -S \"$slot\" -c fast -w",
                "runuser -u postgres -- touch \"$data/standby.signal\""));
    }

    @Test
    void nginxFoldersAndASelfSignedCertificateWhenTheDescriptorNamesNone() {
        RemoteCommand command = commands.nginxFoldersAndCertificate(EdgeTopology.of(withoutCertificate(example())), "notes.example.test");

        assertThat(parameters(command)).containsExactly("/var/cache/modsecurity", "www-data", "/srv/notes/static/releases", "yes",
                "/etc/nginx/tls/notes-selfsigned.crt", "/etc/nginx/tls/notes-selfsigned.key", "notes.example.test");
        assertThat(script(command)).isEqualTo(String.join("\n",
                "set -e",
                "modsec=$1; user=$2; releases=$3; selfsigned=$4; crt=$5; key=$6; domain=$7",
                "install -d -o \"$user\" -g \"$user\" -m 0750 \"$modsec\"",
                "install -d -m 0755 \"$releases\" /var/log/nginx",
                "if [ \"$selfsigned\" = yes ] && [ ! -f \"$crt\" ]; then",
                "  install -d -m 0755 \"$(dirname \"$crt\")\"",
                "  umask 077",
                "  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj \"/CN=$domain\" -addext \"subjectAltName=DNS:$domain\" \\",
                "    -keyout \"$key.tmp\" -out \"$crt.tmp\" 2>/dev/null",
                "  chmod 0644 \"$crt.tmp\"; mv \"$key.tmp\" \"$key\"; mv \"$crt.tmp\" \"$crt\"",
                "fi"));
    }

    @Test
    void nginxFoldersOnlyWhenTheDescriptorNamesACertificate() {
        RemoteCommand command = commands.nginxFoldersAndCertificate(EdgeTopology.of(example()), "notes.example.com");

        assertThat(parameters(command).get(3)).isEqualTo("no");
    }

    @Test
    void withoutSystemdTheAppStartsAsItsUserFromTheRootFolder() {
        RemoteCommand command = commands.appStart();

        assertThat(script(command)).isEqualTo(String.join("\n",
                "app=$1; shift",
                "install -d -o \"$app\" -g \"$app\" -m 0755 \"/run/$app\"",
                "cd /",
                "exec runuser -u \"$app\" -- \"$@\""));
        assertThat(parameters(command)).startsWith("notes").contains("--daemon");
    }

    @Test
    void theConfigCheckRunsGunicornAsTheAppUserWithoutServing() {
        RemoteCommand command = commands.appCheckConfig();

        assertThat(script(command)).isEqualTo("app=$1; shift\ncd /\nexec runuser -u \"$app\" -- \"$@\"");
        assertThat(parameters(command)).startsWith("notes").endsWith("--check-config").doesNotContain("--daemon");
    }

    @Test
    void withSystemdTheAppIsItsUnit() {
        ServiceCommands withSystemd = new ServiceCommands(true, "notes", "/srv/notes", 16, 5432);

        assertThat(withSystemd.appStart().argv()).containsExactly("systemctl", "enable", "--now", "notes-api");
    }

    @Test
    void systemdIsRecognisedByItsRuntimeFolder() {
        assertThat(ServiceCommands.systemdCheck().argv()).containsExactly("sh", "-c", "[ -d /run/systemd/system ]", "tierlift");
    }

    private static String script(RemoteCommand command) {
        return command.argv().get(2);
    }

    private static List<String> parameters(RemoteCommand command) {
        assertThat(command.argv().subList(0, 2)).containsExactly("sh", "-c");
        assertThat(command.argv().get(3)).isEqualTo("tierlift");
        return command.argv().subList(4, command.argv().size());
    }

    private static AppDescriptor example() {
        Path file = Path.of("../../examples/notes/app.yaml").toAbsolutePath().normalize();
        return new DescriptorLoader().load(file, Optional.empty()).descriptor();
    }

    private static AppDescriptor withoutCertificate(AppDescriptor d) {
        OnpremTarget t = d.targets().onprem().orElseThrow();
        OnpremTarget selfSigned = new OnpremTarget(t.ssh(), t.domain(), Optional.empty(), t.waf(), t.edge(), t.adminNetworks(),
                t.hosts(), "/srv/notes", t.releasesKept());
        return new AppDescriptor(d.app(), d.environment(), d.baseDir(), d.frontend(), d.backend(), d.database(),
                new Targets(Optional.of(selfSigned), d.targets().awsIaas(), d.targets().awsServerless()));
    }
}
