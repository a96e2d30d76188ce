package io.tierlift.cli.complete;

import io.tierlift.cli.Application;
import io.tierlift.cli.ExitCode;
import io.tierlift.provider.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tierlift __complete <kind> -f FILE}: the candidates the completion script asks for, one
 * per line. Hidden from help and docs; only the script calls it. It reads the descriptor's YAML
 * and nothing else (no renderer, no SSH or AWS client), and it never fails loudly: a missing or
 * broken file just yields no candidates, so a half-written descriptor doesn't spray errors into
 * the operator's prompt.
 */
@Command(name = CompleteCommand.NAME, hidden = true, description = "Completion candidates for the shell script.")
public final class CompleteCommand implements Callable<Integer> {
    public static final String NAME = "__complete";

    /** What can be completed. */
    enum Kind {
        targets, envs, hosts
    }

    private final Application app;

    @Parameters(index = "0", paramLabel = "KIND", description = "targets, envs or hosts.")
    Kind kind;
    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "app.yaml")
    Path file;

    CompleteCommand(Application app) {
        this.app = app;
    }

    @Override
    public Integer call() {
        candidates().forEach(app.console().out()::println);
        app.console().out().flush();
        return ExitCode.OK;
    }

    List<String> candidates() {
        if (kind == Kind.targets) {
            return Arrays.stream(Target.values()).map(Target::key).toList();
        }
        String text;
        try {
            // Checked before reading: the parser refuses big files anyway, but only after they are in memory.
            if (Files.size(file) > io.tierlift.descriptor.YamlParser.MAX_CHARS * 4L) {
                return List.of();
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return DescriptorNames.parse(file.toString(), text)
                .map(names -> kind == Kind.envs ? names.environments() : names.hosts())
                .orElse(List.of());
    }
}
