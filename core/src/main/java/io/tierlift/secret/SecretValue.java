package io.tierlift.secret;

import java.util.Arrays;

/**
 * A resolved secret. {@link #toString()} never shows the value, so an accidental log line or
 * exception message carrying this object leaks nothing; {@link #reveal()} is the one explicit
 * way to get at it, used where the value is written into a file or a protocol stream.
 */
public final class SecretValue {
    private final SecretRef source;
    private final char[] value;

    public SecretValue(SecretRef source, String value) {
        this.source = source;
        this.value = value.toCharArray();
    }

    public SecretRef source() {
        return source;
    }

    public String reveal() {
        return new String(value);
    }

    @Override
    public String toString() {
        return "<secret " + source + ">";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue other && source.equals(other.source) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }
}
