package io.tierlift.cli;

/** Exit codes of the CLI contract; CI scripts depend on them. */
public final class ExitCode {
    public static final int OK = 0;
    public static final int FAILED = 1;
    /** Only with --detailed-exitcode, as Terraform: the plan has changes. */
    public static final int CHANGES = 2;
    /** sysexits EX_USAGE. */
    public static final int USAGE = 64;
    /** sysexits EX_DATAERR. */
    public static final int INVALID_DESCRIPTOR = 65;

    private ExitCode() {
    }
}
