package io.tierlift.onprem.release;

import io.tierlift.release.CommandRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** A {@link CommandRunner} that records calls and lets the test play the program. */
final class FakeRunner implements CommandRunner {
    record Call(List<String> argv, Path workDir, Map<String, String> environment) {
        /** The value following {@code option} in argv. */
        String after(String option) {
            int i = argv.indexOf(option);
            if (i < 0 || i + 1 >= argv.size()) {
                throw new AssertionError(option + " not in " + argv);
            }
            return argv.get(i + 1);
        }
    }

    interface Behaviour {
        CommandResult run(Call call, Consumer<String> output) throws Exception;
    }

    final List<Call> calls = new ArrayList<>();
    private final Behaviour behaviour;

    FakeRunner(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    @Override
    public CommandResult run(List<String> argv, Path workDir, Map<String, String> environment, Consumer<String> output) {
        Call call = new Call(List.copyOf(argv), workDir, Map.copyOf(environment));
        calls.add(call);
        try {
            return behaviour.run(call, output);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
