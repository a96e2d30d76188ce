package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {"The whole job on this machine: a sandbox data center of SSH hosts, and the example",
        "app deployed to it (WAF, proxy, static server, two app servers, PostgreSQL primary and standby).",
        "bin/tierlift demo first installs the Debian packages the sandbox needs (bin/setup-machine)."})
public final class DemoCommand implements Callable<Integer> {
    private final Application app;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "examples/notes/sandbox.yaml",
            description = "Sandbox descriptor (default: ${DEFAULT-VALUE}).")
    Path file;

    DemoCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        var commands = Main.commandLine(app);
        int up = commands.execute("sandbox", "up", "-f", file.toString());
        if (up != ExitCode.OK) {
            return up;
        }
        int deployed = commands.execute("deploy", "onprem", "-f", file.toString(), "--yes");
        if (deployed != ExitCode.OK) {
            return deployed;
        }
        var target = app.loader().load(file, java.util.Optional.empty()).descriptor().targets().onprem().orElseThrow();
        String address = target.hostsWith(io.tierlift.model.Role.WAF).stream().findFirst()
                .or(() -> target.hostsWith(io.tierlift.model.Role.PROXY).stream().findFirst()).orElseThrow().address();
        var out = app.console().out();
        out.println();
        out.println("The notes app runs in the sandbox:");
        out.println("  open     https://" + address + "/   (self-signed certificate; e.g. curl -k https://" + address + "/api/notes)");
        out.println("  status   bin/tierlift status onprem -f " + file);
        out.println("  plan     bin/tierlift plan onprem -f " + file + " --detailed-exitcode");
        out.println("  ssh      ssh -F ~/.tierlift/sandbox/ssh_config app1");
        out.println("  remove   bin/tierlift sandbox down");
        out.flush();
        return ExitCode.OK;
    }
}
