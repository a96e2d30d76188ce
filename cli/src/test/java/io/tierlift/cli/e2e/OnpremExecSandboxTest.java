package io.tierlift.cli.e2e;

import io.tierlift.release.ExecResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code exec} and {@code db shell} on namespace hosts: a command runs with the service's environment
 * (its DATABASE_URL, its user, its release folder) without the password showing in any output, host
 * log or process list; its exit code is tierlift's; each exec is recorded on its host; an interactive
 * Python typed into through tmux answers (Ctrl-C included); psql runs the queries given on its input
 * through the tunnel, and on a terminal it is psql's own prompt.
 */
@Tag("sandbox")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnpremExecSandboxTest {
    private static final String OPERATOR = "exec-e2e-operator";
    private SandboxWorld world;
    private String password;

    @BeforeAll
    void up() throws IOException {
        world = new SandboxWorld("sandbox.yaml", 66, "tl-brexec");
        password = Files.readString(world.stateDir.resolve("secrets/notes-db-password")).strip();
        Cli deploy = Cli.run(env(), "deploy", "onprem", "-f", file(), "--yes");
        assertThat(deploy.exitCode()).as(deploy.all()).isZero();
    }

    @AfterAll
    void down() throws IOException {
        if (world != null) {
            world.close();
        }
    }

    private Map<String, String> env() {
        return Map.of("HOME", System.getProperty("user.home"), "PATH", System.getenv("PATH"), "USER", OPERATOR);
    }

    private String file() {
        return world.descriptor.toString();
    }

    private Cli tierlift(byte[] stdin, String... args) {
        Cli cli = Cli.withInput(env(), stdin, args);
        assertThat(cli.all()).as("output of tierlift %s", String.join(" ", args)).doesNotContain(password);
        return cli;
    }

    private Cli tierlift(String... args) {
        return tierlift(new byte[0], args);
    }

    @Test
    @Order(1)
    void execRunsWithTheServicesDatabaseUrlWithoutShowingIt() {
        Cli cli = tierlift("exec", "onprem", "-f", file(), "--", "python", "-c", "import os; print(os.environ[\"DATABASE_URL\"] != \"\")");
        assertThat(cli.exitCode()).as(cli.all()).isZero();
        assertThat(cli.out().strip()).isEqualTo("True");
    }

    @Test
    @Order(2)
    void execRunsAsTheServiceUserInTheLiveReleaseWithItsVirtualenv() {
        Cli cli = tierlift("exec", "onprem", "-f", file(), "--", "sh", "-c", "id -un; pwd; command -v python");
        assertThat(cli.exitCode()).as(cli.all()).isZero();
        List<String> lines = cli.out().lines().toList();
        String live = world.exec("app1", "readlink -f /srv/notes/current").stdout().strip();
        assertThat(live).startsWith("/srv/notes/releases/");
        assertThat(lines).containsExactly("notes", live + "/backend", live + "/venv/bin/python");
    }

    @Test
    @Order(3)
    void thePasswordIsInNoProcessListWhileAnExecRuns() {
        Cli cli = tierlift("exec", "onprem", "-f", file(), "--", "ps", "-eo", "args");
        assertThat(cli.exitCode()).as(cli.all()).isZero();
        assertThat(cli.out()).as("ps sees the wrapper chain of the exec itself").contains("envexec.py").contains("gunicorn");
        assertThat(cli.out()).doesNotContain(password);
    }

    @Test
    @Order(4)
    void theCommandsExitCodeIsTierliftsAndItsInputIsPiped() {
        Cli failed = tierlift("exec", "onprem", "-f", file(), "--", "python", "-c", "import sys; sys.exit(7)");
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(7);
        Cli piped = tierlift("print(sum(range(10)))\n".getBytes(StandardCharsets.UTF_8), "exec", "onprem", "-f", file(), "--", "python");
        assertThat(piped.exitCode()).as(piped.all()).isZero();
        assertThat(piped.out().strip()).isEqualTo("45");
    }

    @Test
    @Order(5)
    void hostChoosesTheAppHostAndANonAppHostIsRefused() {
        Cli second = tierlift("exec", "onprem", "-f", file(), "--host", "app2", "--", "hostname");
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(second.out().strip()).isEqualTo("app2");
        Cli edge = tierlift("exec", "onprem", "-f", file(), "--host", "edge1", "--", "hostname");
        assertThat(edge.exitCode()).as(edge.all()).isEqualTo(1);
        assertThat(edge.err()).contains("--host edge1: no app host of that name").contains("app1, app2");
        Cli none = tierlift("exec", "onprem", "-f", file());
        assertThat(none.exitCode()).as(none.all()).isEqualTo(64);
        assertThat(none.err()).contains("CMD");
    }

    @Test
    @Order(6)
    void everyExecIsRecordedOnItsHostWithoutSecrets() {
        String log = world.exec("app1", "cat /var/log/tierlift/exec.log; stat -c '%a %U' /var/log/tierlift/exec.log").stdout();
        assertThat(log).doesNotContain(password);
        assertThat(log.lines().filter(l -> l.contains("command=python -c 'import os; print(os.environ[\"DATABASE_URL\"] != \"\")'")))
                .singleElement().satisfies(line -> assertThat(line)
                        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ host=app1 login=root release=\\S+ operator=" + OPERATOR + " command=.*"));
        assertThat(log).contains("command=ps -eo args").endsWith("640 root\n");
        assertThat(world.exec("app2", "cat /var/log/tierlift/exec.log").stdout()).contains("operator=" + OPERATOR + " command=hostname")
                .doesNotContain("python");
        for (var host : world.hosts) {
            ExecResult grep = world.exec(host.name(), "grep -rlF -e '" + password + "' /var/log 2>/dev/null; echo end");
            assertThat(grep.stdout().strip()).as("files under /var/log on %s holding the password", host.name()).isEqualTo("end");
        }
    }

    @Test
    @Order(10)
    void dbShellRunsTheQueriesOnItsInputAgainstThePrimary() {
        byte[] sql = "select current_user, 40 + 2 as answer;\nselect pg_is_in_recovery();\n".getBytes(StandardCharsets.UTF_8);
        Cli cli = tierlift(sql, "db", "shell", "onprem", "-f", file());
        assertThat(cli.exitCode()).as(cli.all()).isZero();
        assertThat(cli.out()).contains("notes").contains("42").containsPattern("(?m)^ f$");
    }

    @Test
    @Order(11)
    void dbShellWithoutPsqlHereSaysWhatToInstall() {
        Cli cli = Cli.withInput(Map.of("HOME", System.getProperty("user.home"), "PATH", "/nonexistent"), new byte[0],
                "db", "shell", "onprem", "-f", file());
        assertThat(cli.exitCode()).as(cli.all()).isEqualTo(1);
        assertThat(cli.err()).contains("psql is not installed on this machine").contains("postgresql-client");
    }

    @Test
    @Order(20)
    void anInteractiveExecAnswersWhatIsTypedIntoIt() throws Exception {
        Tmux tmux = new Tmux("tierlift-exec-e2e-" + ProcessHandle.current().pid());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of("env", "HOME=" + System.getProperty("user.home"), "USER=" + OPERATOR, "TERM=xterm",
                "PATH=" + System.getenv("PATH"), java, "-cp", System.getProperty("java.class.path"), "io.tierlift.cli.Main",
                "exec", "onprem", "-f", file(), "--", "python3");
        try {
            tmux.start(command);
            // capture-pane drops the blank after the prompt
            tmux.await("the Python prompt", screen -> screen.lines().anyMatch(line -> line.strip().equals(">>>")));
            tmux.type("import os; print(os.getuid() != 0, 6 * 7)");
            tmux.await("the answer", screen -> screen.contains("True 42"));
            // Raw mode: Ctrl-C reaches Python on the host instead of ending tierlift here.
            tmux.key("C-c");
            tmux.await("Python's KeyboardInterrupt", screen -> screen.contains("KeyboardInterrupt"));
            tmux.type("print('typed' + 'here', os.environ['DATABASE_URL'] != '')");
            tmux.await("the second answer", screen -> screen.contains("typedhere True"));
            tmux.type("raise SystemExit(3)");
            tmux.await("the end of tierlift", screen -> tmux.exitStatus().isPresent());
            assertThat(tmux.exitStatus()).as(tmux.screen()).contains(3);
            assertThat(tmux.screen()).doesNotContain(password);
        } finally {
            tmux.kill();
        }
        assertThat(world.exec("app1", "cat /var/log/tierlift/exec.log").stdout()).contains("operator=" + OPERATOR + " command=python3");
    }

    @Test
    @Order(21)
    void anInteractiveDbShellIsPsqlOnTheTerminal() throws Exception {
        Tmux tmux = new Tmux("tierlift-db-e2e-" + ProcessHandle.current().pid());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            tmux.start(List.of("env", "HOME=" + System.getProperty("user.home"), "TERM=xterm", "PAGER=cat",
                    "PATH=" + System.getenv("PATH"), java, "-cp", System.getProperty("java.class.path"), "io.tierlift.cli.Main",
                    "db", "shell", "onprem", "-f", file()));
            tmux.await("psql's prompt", screen -> screen.contains("notes=>"));
            // \g ends the query: tmux takes an argument ending in ";" as its own command separator
            tmux.type("select 6 * 7 as answer \\g");
            tmux.await("the answer", screen -> screen.lines().anyMatch(line -> line.strip().equals("42")));
            tmux.type("\\q");
            tmux.await("the end of tierlift", screen -> tmux.exitStatus().isPresent());
            assertThat(tmux.exitStatus()).as(tmux.screen()).contains(0);
            assertThat(tmux.screen()).doesNotContain(password);
        } finally {
            tmux.kill();
        }
    }

    /** A tmux server of the test's own (its own socket name): a terminal the CLI really runs in. */
    private static final class Tmux {
        private final String socket;
        private final Path exitFile;

        Tmux(String socket) throws IOException {
            this.socket = socket;
            this.exitFile = Files.createTempFile("tierlift-tmux-exit-", ".txt");
            Files.delete(exitFile);
        }

        /** Runs {@code command} in a new pane; its exit code goes to a file (tmux's pane_dead_status is not always set). */
        void start(List<String> command) throws IOException, InterruptedException {
            List<String> argv = new ArrayList<>(List.of("new-session", "-d", "-x", "160", "-y", "50", "-s", "exec"));
            argv.add(String.join(" ", command.stream().map(Tmux::quote).toList()) + "; echo $? > " + quote(exitFile.toString()));
            run(argv);
            run(List.of("set-option", "-t", "exec", "remain-on-exit", "on"));
        }

        void type(String line) throws IOException, InterruptedException {
            run(List.of("send-keys", "-t", "exec", "-l", line));
            run(List.of("send-keys", "-t", "exec", "Enter"));
        }

        void key(String key) throws IOException, InterruptedException {
            run(List.of("send-keys", "-t", "exec", key));
        }

        String screen() throws IOException, InterruptedException {
            return run(List.of("capture-pane", "-p", "-t", "exec", "-S", "-100"));
        }

        java.util.Optional<Integer> exitStatus() throws IOException {
            if (!Files.exists(exitFile)) {
                return java.util.Optional.empty();
            }
            String code = Files.readString(exitFile).strip();
            return code.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Integer.parseInt(code));
        }

        void await(String what, ScreenCheck check) throws Exception {
            long until = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < until) {
                if (check.test(screen())) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("tmux never showed " + what + "; the screen:\n" + screen() + "\nthe processes in it:\n" + processes());
        }

        /** What runs in the pane (states, and the JVM's threads): says where a run that does not end waits. */
        private String processes() throws IOException, InterruptedException {
            String pane = run(List.of("display-message", "-p", "-t", "exec", "#{pane_pid}")).strip();
            StringBuilder out = new StringBuilder();
            for (String line : command("ps", "-e", "-o", "pid=,ppid=,pgid=,tpgid=,stat=,wchan:20=,args=").lines()
                    .filter(l -> l.contains("tierlift.cli.Main") || l.contains("psql") || l.contains("stty") || l.contains("tmux")).toList()) {
                out.append(line.length() > 200 ? line.substring(0, 200) : line).append('\n');
            }
            for (String pid : command("pgrep", "-f", "io.tierlift.cli.Main").lines().map(String::strip).toList()) {
                if (!pid.equals(Long.toString(ProcessHandle.current().pid()))) {
                    out.append("jstack ").append(pid).append(":\n").append(command(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), pid));
                }
            }
            return "pane pid " + pane + "\n" + out;
        }

        private static String command(String... argv) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return out;
        }

        void kill() throws IOException, InterruptedException {
            Files.deleteIfExists(exitFile);
            run(List.of("kill-server"));
        }

        private String run(List<String> args) throws IOException, InterruptedException {
            List<String> argv = new ArrayList<>(List.of("tmux", "-L", socket));
            argv.addAll(args);
            Process process;
            try {
                process = new ProcessBuilder(argv).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new AssertionError("tmux (Debian package tmux) is needed to drive a terminal: " + e.getMessage(), e);
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            if (code != 0 && !args.get(0).equals("kill-server")) {
                throw new AssertionError("tmux " + String.join(" ", args) + " failed (" + code + "): " + out);
            }
            return out;
        }

        private static String quote(String word) {
            return "'" + word.replace("'", "'\\''") + "'";
        }

        @FunctionalInterface
        interface ScreenCheck {
            boolean test(String screen) throws Exception;
        }
    }
}
