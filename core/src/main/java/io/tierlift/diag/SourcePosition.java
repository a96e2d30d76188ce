package io.tierlift.diag;

/** A 1-based line and column in a named source file. */
public record SourcePosition(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
