package io.tierlift.audit;

import java.util.List;

/**
 * One nginx statement: a simple directive ({@code name args;}) or the head of a block
 * ({@code name args { ... }}). {@code context} names the enclosing blocks, outermost first.
 */
public record NginxDirective(String name, List<String> args, int line, boolean block, List<String> context) {
    public NginxDirective {
        args = List.copyOf(args);
        context = List.copyOf(context);
    }

    public String arg(int index) {
        return index < args.size() ? args.get(index) : "";
    }
}
