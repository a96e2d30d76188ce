package io.tierlift.release;

/**
 * Outcome of one machine command ({@link MachineCommandRunner#run(java.util.List, java.time.Duration)}).
 *
 * @param exitCode the process exit code (127 when the command was not found; meaningless when timed out)
 * @param timedOut true when the command was killed because it ran past its timeout
 */
public record ExecResult(int exitCode, String stdout, String stderr, boolean timedOut) {

    public ExecResult {
        stdout = stdout == null ? "" : stdout;
        stderr = stderr == null ? "" : stderr;
    }

    public boolean ok() {
        return !timedOut && exitCode == 0;
    }

    /** Short description for error messages: exit status plus the end of stderr (or stdout when stderr is empty). */
    public String describe() {
        String status = timedOut ? "timed out" : "exit code " + exitCode;
        String output = (stderr.isBlank() ? stdout : stderr).strip();
        if (output.length() > 600) {
            output = "..." + output.substring(output.length() - 600);
        }
        return output.isEmpty() ? status : status + ": " + output;
    }
}
