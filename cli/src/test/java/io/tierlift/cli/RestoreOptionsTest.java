package io.tierlift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What restore refuses from the command line alone: no tier is opened and no journal is written. */
class RestoreOptionsTest {
    private static final String EXAMPLE = "../examples/notes/app.yaml";
    @TempDir
    Path home;

    private CliRun restore(String... args) {
        String[] withFile = new String[args.length + 4];
        withFile[0] = "restore";
        withFile[1] = "onprem";
        withFile[2] = "-f";
        withFile[3] = EXAMPLE;
        System.arraycopy(args, 0, withFile, 4, args.length);
        return CliRun.of(Map.of("HOME", home.toString()), withFile);
    }

    @Test
    void aTimeWithoutAnOffsetIsABadCommandLineThatChangesNothing() throws Exception {
        for (String time : new String[]{"yesterday", "2026-12-07 19:30", "2026-12-07T19:30:00"}) {
            CliRun run = restore("--to-time", time, "--yes");
            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.USAGE);
            assertThat(run.err()).contains("--to-time '" + time + "' is not a time with an offset");
        }
        assertThat(Files.exists(home.resolve(".tierlift"))).as("no journal or state written").isFalse();
    }

    @Test
    void exactlyOnePointOrFinalizeIsRequired() {
        CliRun none = restore("--yes");
        assertThat(none.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("--to-time").contains("--to-backup").contains("--finalize");
        CliRun both = restore("--to-time", "2026-12-07T19:30:00Z", "--to-backup", "20261207-010000F", "--yes");
        assertThat(both.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void anUnknownTargetIsABadCommandLine() {
        CliRun run = restore("--to-time", "2026-12-07T19:30:00Z", "--target", "elsewhere", "--yes");
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("expected new or in-place, not 'elsewhere'");
    }

    @Test
    void withoutATerminalOrYesTheRestoreIsNotStarted() {
        CliRun run = CliRun.of(Map.of("HOME", home.toString()), "restore", "onprem", "-f", EXAMPLE, "--finalize");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("run with --yes to confirm");
    }
}
