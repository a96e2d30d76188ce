package io.tierlift.cli.complete;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The bash completion script: picocli's generated script for subcommands, options and targets,
 * plus a front function that answers values only the descriptor knows — environment names after
 * {@code --env}, host names after any option whose value is a HOST — by asking
 * {@code tierlift __complete} about the file given with {@code -f} (default app.yaml). zsh runs it
 * through bashcompinit.
 */
public final class BashScript {
    static final String FRONT_FUNCTION = "_tierlift_complete";

    public String render(CommandLine root) {
        String name = root.getCommandName();
        StringBuilder out = new StringBuilder(AutoComplete.bash(name, root));
        Set<String> envOptions = new TreeSet<>();
        Set<String> hostOptions = new TreeSet<>();
        collect(root, envOptions, hostOptions);
        out.append('\n').append(front(name, envOptions, hostOptions));
        return out.toString();
    }

    /** Option names anywhere in the tree whose value is an environment name or a host name. */
    static void collect(CommandLine command, Set<String> envOptions, Set<String> hostOptions) {
        for (OptionSpec option : command.getCommandSpec().options()) {
            String label = option.paramLabel().replaceAll("[<>]", "");
            for (String optionName : option.names()) {
                if (optionName.equals("--env")) {
                    envOptions.add(optionName);
                } else if (option.arity().max() > 0 && (label.equals("HOST") || label.equals("HOSTS"))) {
                    hostOptions.add(optionName);
                }
            }
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                collect(sub, envOptions, hostOptions);
            }
        }
    }

    private static String front(String name, Set<String> envOptions, Set<String> hostOptions) {
        List<String> cases = new ArrayList<>();
        if (!envOptions.isEmpty()) {
            cases.add("    " + pattern(envOptions) + ") kind=envs ;;");
        }
        if (!hostOptions.isEmpty()) {
            cases.add("    " + pattern(hostOptions) + ") kind=hosts ;;");
        }
        return String.join("\n",
                "# Values only the descriptor knows (environment and host names) come from",
                "# '" + name + " " + CompleteCommand.NAME + " KIND -f FILE', run with the descriptor given on the",
                "# command line (-f FILE, --file FILE or --file=FILE; default app.yaml). Everything else is",
                "# answered by the functions above.",
                "function _tierlift_descriptor_file() {",
                "  local i file=app.yaml",
                "  for (( i = 1; i < COMP_CWORD; i++ )); do",
                "    case \"${COMP_WORDS[i]}\" in",
                "      -f|--file)",
                "        if [[ \"${COMP_WORDS[i+1]}\" == \"=\" ]]; then file=\"${COMP_WORDS[i+2]}\"; else file=\"${COMP_WORDS[i+1]}\"; fi ;;",
                "      -f?*) file=\"${COMP_WORDS[i]#-f}\" ;;",
                "    esac",
                "  done",
                "  # The shell expands ~ when the command runs; completion sees the word as typed.",
                "  printf '%s' \"${file/#\\~/$HOME}\"",
                "}",
                "",
                "function " + FRONT_FUNCTION + "() {",
                "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" option=\"${COMP_WORDS[COMP_CWORD-1]}\" kind=\"\"",
                "  # bash splits --env=NAME at '=': the option is then one or two words back.",
                "  if [[ \"$cur\" == \"=\" ]]; then",
                "    cur=\"\"",
                "  elif [[ \"$option\" == \"=\" ]]; then",
                "    option=\"${COMP_WORDS[COMP_CWORD-2]}\"",
                "  fi",
                "  case \"$option\" in",
                String.join("\n", cases),
                "  esac",
                "  if [[ -n \"$kind\" ]]; then",
                "    local program=\"${COMP_WORDS[0]/#\\~/$HOME}\" file",
                "    file=\"$(_tierlift_descriptor_file)\"",
                "    local IFS=$'\\n'",
                "    COMPREPLY=( $(compgen -W \"$(\"$program\" " + CompleteCommand.NAME
                        + " \"$kind\" -f \"$file\" 2>/dev/null)\" -- \"$cur\") )",
                "    return 0",
                "  fi",
                "  _complete_" + name + " \"$@\"",
                "}",
                "",
                "complete -F " + FRONT_FUNCTION + " -o default " + name + " " + name + ".sh " + name + ".bash",
                "");
    }

    private static String pattern(Set<String> options) {
        return String.join("|", options.stream().map(o -> "'" + o + "'").toList());
    }
}
