package io.tierlift.cli.docs;

import io.tierlift.provider.Target;
import io.tierlift.tier.Operation;
import io.tierlift.tier.TierRegistry;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What each tier supports, written from the tiers' own declarations: the README's contract table
 * and each guide's list. The CLI refuses exactly what these say is unsupported, so the docs and the
 * behaviour come from one source.
 */
public final class SupportMatrix {
    private final TierRegistry tiers;

    public SupportMatrix(TierRegistry tiers) {
        this.tiers = tiers;
    }

    /** One row per operation, one column per tier. */
    public String table() {
        List<Target> targets = List.copyOf(tiers.targets());
        StringBuilder out = new StringBuilder("| command |");
        targets.forEach(t -> out.append(" `").append(t.key()).append("` |"));
        out.append("\n|---|");
        targets.forEach(t -> out.append("---|"));
        out.append('\n');
        for (Operation operation : Operation.values()) {
            out.append("| `").append(operation.usage()).append("` |");
            for (Target target : targets) {
                out.append(tiers.supports(target, operation) ? " yes |" : " refused (exit 64) |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The guide's paragraph for one tier: what it supports, and where each refused operation exists instead. */
    public String forTier(Target target) {
        Set<Operation> supported = tiers.operations(target);
        String yes = List.of(Operation.values()).stream().filter(supported::contains)
                .map(o -> "`" + o.usage() + "`").collect(Collectors.joining(", "));
        StringBuilder out = new StringBuilder("Supported for `").append(target.key()).append("`: ").append(yes).append(".\n");
        List<Operation> refused = List.of(Operation.values()).stream().filter(o -> !supported.contains(o)).toList();
        if (!refused.isEmpty()) {
            out.append("\nRefused with exit 64 (the message names the tiers that have it):\n\n");
            for (Operation operation : refused) {
                Set<Target> elsewhere = tiers.supporting(operation);
                out.append("- `").append(operation.usage()).append("`")
                        .append(elsewhere.isEmpty() ? " (no tier yet)" : " (" + elsewhere.stream().map(Target::key)
                                .collect(Collectors.joining(", ")) + ")")
                        .append('\n');
            }
        }
        return out.toString();
    }
}
