package io.tierlift.render.engine;

/** A value that cannot be placed in a config file safely. */
public class UnsafeValueException extends RuntimeException {
    public UnsafeValueException(String syntax, String why) {
        super("refusing to place a value in " + syntax + " config: " + why);
    }
}
