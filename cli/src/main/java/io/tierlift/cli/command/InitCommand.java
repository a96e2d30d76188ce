package io.tierlift.cli.command;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.cli.UserException;
import io.tierlift.cli.console.StderrProgress;
import io.tierlift.cli.init.AppDetector;
import io.tierlift.cli.init.DescriptorDraft;
import io.tierlift.cli.init.DetectedApp;
import io.tierlift.descriptor.AppSourceCheck;
import io.tierlift.diag.Diagnostic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "init", description = {"Write a commented app.yaml for an existing Flask + React repository.",
        "Detects the WSGI entry (app object or factory), the import root, requirements, Python version, React build (Vite or Create React App),"
                + " migrations (Flask-Migrate, Alembic) and health route, and prints each guess with the file:line it came from;"
                + " asks (on a terminal) only for what it cannot detect."})
public final class InitCommand implements Callable<Integer> {
    private static final String NAME = "[a-z][a-z0-9-]{0,30}";
    private final Application app;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".", description = "The application repository (default: the current folder).")
    Path dir;
    @Option(names = "--app", paramLabel = "NAME", description = "App name (default: the folder's name).")
    String appName;
    @Option(names = "--domain", paramLabel = "DOMAIN", description = "On-prem site domain (default: NAME.example.com).")
    String domain;
    @Option(names = "--region", paramLabel = "REGION", defaultValue = "eu-west-1", description = "AWS region for both AWS tiers (default: ${DEFAULT-VALUE}).")
    String region;
    @Option(names = {"--yes", "--non-interactive"}, description = "Ask nothing: use the flags and the defaults.")
    boolean nonInteractive;
    @Option(names = "--force", description = "Overwrite an existing app.yaml.")
    boolean force;

    InitCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + " is not a folder", ExitCode.USAGE);
        }
        Path target = dir.resolve("app.yaml");
        if (Files.exists(target) && !force) {
            throw new UserException(target + " already exists; run with --force to overwrite it");
        }
        var progress = new StderrProgress(app.console());
        DetectedApp found = new AppDetector().detect(dir);
        // Each guess with the file and line it came from, so the operator can check it there.
        found.guesses().forEach(guess -> progress.step("init", guess.line()));
        if (found.pythonSource().isEmpty()) {
            progress.step("init", "backend.python = " + found.python() + " (default); check: no .python-version, runtime.txt or requires-python found");
        }
        found.notes().forEach(note -> progress.warn("init", note));

        String name = Optional.ofNullable(appName)
                .orElseGet(() -> ask("App name", defaultName()));
        if (!name.matches(NAME)) {
            throw new UserException("app name '" + name + "' must be lower-case letters, digits and '-', starting with a letter", ExitCode.USAGE);
        }
        String site = Optional.ofNullable(domain).orElseGet(() -> ask("Site domain", name + ".example.com"));
        String yaml = new DescriptorDraft().yaml(found, new DescriptorDraft.Answers(name, site, region));
        Files.writeString(target, yaml);
        // The draft must load; a failure here is a bug in init, shown with the file's line numbers.
        var loaded = app.loader().load(target, Optional.empty());
        // "valid" means what validate means: the YAML and the app files it names.
        List<Diagnostic> appProblems = new AppSourceCheck().check(loaded);
        appProblems.forEach(problem -> app.console().err().println(problem.format()));
        long errors = appProblems.stream().filter(Diagnostic::isError).count();
        app.console().info("wrote " + target + (errors == 0 ? " (valid)." : " (not valid yet: " + errors
                + " problem(s) with the app's files, above).") + " The on-prem host addresses are placeholders: set your hosts'"
                + " addresses, then run: tierlift validate -f " + target);
        return ExitCode.OK;
    }

    private String defaultName() {
        String folder = Optional.ofNullable(dir.toAbsolutePath().normalize().getFileName()).map(Path::toString).orElse("app");
        String cleaned = folder.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+|-+$", "");
        return cleaned.isEmpty() ? "app" : cleaned.substring(0, Math.min(31, cleaned.length()));
    }

    /** Asks on a terminal; otherwise (CI, pipes, --yes) takes the default without asking. */
    private String ask(String question, String fallback) {
        java.io.Console terminal = System.console();
        if (nonInteractive || terminal == null) {
            return fallback;
        }
        String answer = terminal.readLine("%s [%s]: ", question, fallback);
        return answer == null || answer.isBlank() ? fallback : answer.strip();
    }
}
