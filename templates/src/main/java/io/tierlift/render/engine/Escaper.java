package io.tierlift.render.engine;

/**
 * Makes a value safe for one config syntax, or refuses it. The descriptor's validation already
 * keeps hostile values out; escapers are the second wall, so a future bug in validation still
 * cannot add a directive to a generated file.
 */
@FunctionalInterface
public interface Escaper {
    String escape(String value);
}
