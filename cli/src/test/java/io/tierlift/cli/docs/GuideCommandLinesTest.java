package io.tierlift.cli.docs;

import io.tierlift.cli.Application;
import io.tierlift.cli.Main;
import io.tierlift.cli.Tiers;
import io.tierlift.cli.console.Console;
import io.tierlift.descriptor.DescriptorLoader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code tierlift ...} command line quoted in README.md and docs/guides/*.md must parse
 * against the command tree (picocli's parseArgs: options, arities, target names, required
 * options), without running anything. Synopsis lines ({@code <target>}, {@code [--env NAME]})
 * are not command lines and are left out.
 */
class GuideCommandLinesTest {
    private static final Path ROOT = Path.of("..");
    /** "tierlift" (or bin/tierlift) as a word, then the rest up to a shell operator or the end. */
    private static final Pattern COMMAND = Pattern.compile("(?<![\\w./-])(?:bin/)?tierlift((?: +[^|;&>)`#\\s][^|;&>)`#\\s]*| +'[^']*')+)");

    @Test
    void everyQuotedCommandLineParses() throws IOException {
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> guides = Files.list(ROOT.resolve("docs/guides"))) {
            guides.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("onprem.md", "aws-iaas.md", "aws-serverless.md", "migration.md", "ci.md");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Path file : files) {
            for (String line : commandLines(Files.readString(file))) {
                checked++;
                String problem = parseProblem(line);
                if (problem != null) {
                    failures.add(file.getFileName() + ": `" + line + "`: " + problem);
                }
            }
        }
        assertThat(failures).as("command lines that do not parse").isEmpty();
        // The guides quote dozens of commands; a pattern that stopped matching would pass vacuously.
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void theCheckCatchesDriftedCommandLines() {
        assertThat(parseProblem("tierlift deploy onprem -f app.yaml --yes")).isNull();
        assertThat(parseProblem("tierlift deploy onprem -f app.yaml --force-push")).contains("--force-push");
        assertThat(parseProblem("tierlift deploy on-prem -f app.yaml")).contains("on-prem");
        assertThat(parseProblem("tierlift render onprem -f app.yaml")).contains("-o");
        assertThat(commandLines("```sh\nbin/tierlift plan onprem -f a.yaml --offline > plan.md\n```\n"))
                .containsExactly("bin/tierlift plan onprem -f a.yaml --offline");
        assertThat(commandLines("run `tierlift render   <target> -f app.yaml [--env NAME] -o DIR` here")).isEmpty();
        assertThat(commandLines("prose: tierlift uses the SDK\n```\ntierlift demo   # then tierlift would\n```\n"))
                .containsExactly("tierlift demo");
        assertThat(commandLines("```\ncli/   the jar; bin/tierlift launches it\n$ A=1 tierlift version\n```\n"))
                .containsExactly("tierlift version");
        assertThat(commandLines("`X=1 tierlift migrate --from onprem --to aws-iaas --source-db 'postgresql://a@b/c?password_ref=${env:P}'`"))
                .containsExactly("tierlift migrate --from onprem --to aws-iaas --source-db 'postgresql://a@b/c?password_ref=${env:P}'");
    }

    /** The command lines of a Markdown text: in code blocks and inline code, without synopses or comments. */
    static List<String> commandLines(String markdown) {
        List<String> code = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            } else if (fenced) {
                // In a code block a command starts the line (after a prompt or variable assignments);
                // elsewhere in a block (a folder listing, a comment) "tierlift" is just a word.
                String command = line.replaceAll("(^|\\s)#.*", "");
                if (command.matches("\\s*(\\$\\s+)?(\\w+=\\S*\\s+)*(bin/)?tierlift(\\s.*)?")) {
                    code.add(command);
                }
            } else {
                Matcher inline = Pattern.compile("`([^`]+)`").matcher(line);
                while (inline.find()) {
                    code.add(inline.group(1));
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (String text : code) {
            Matcher m = COMMAND.matcher(text);
            while (m.find()) {
                String line = m.group().strip();
                if (!line.contains("<") && !line.contains("[") && !line.contains("...")) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    /** Why picocli refuses the line, or null when it parses. */
    static String parseProblem(String line) {
        List<String> words = words(line);
        String[] args = words.subList(1, words.size()).toArray(String[]::new);
        Console console = new Console(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false, false);
        Application application = new Application(console, new DescriptorLoader(), Tiers.with(Main.context(Map.of(), console), (target, accept) -> {
            throw new AssertionError("parsing must not connect");
        }, Optional.empty()), Map.of());
        CommandLine commandLine = Main.commandLine(application);
        try {
            commandLine.parseArgs(args);
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    /** Splits like a shell for the quoting the docs use: single quotes, double quotes, plain words. */
    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'|\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return words;
    }
}
