package io.tierlift.diag;

/**
 * One problem found in a descriptor, printed the way compilers do:
 * {@code app.yaml:14:5: targets.onprem.hosts.app1.address: not an IP address or host name}.
 */
public record Diagnostic(Severity severity, SourcePosition position, String path, String message) {
    public enum Severity { ERROR, WARNING }

    public static Diagnostic error(SourcePosition position, String path, String message) {
        return new Diagnostic(Severity.ERROR, position, path, message);
    }

    public static Diagnostic warning(SourcePosition position, String path, String message) {
        return new Diagnostic(Severity.WARNING, position, path, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public String format() {
        String where = path == null || path.isEmpty() ? "" : path + ": ";
        String level = severity == Severity.WARNING ? "warning: " : "";
        return position + ": " + level + where + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
