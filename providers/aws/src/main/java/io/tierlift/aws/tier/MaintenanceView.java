package io.tierlift.aws.tier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierlift.provider.Target;

import java.util.Optional;

/** The maintenance line of both AWS tiers' status, and its {@code "maintenance"} field in {@code --output json}. */
final class MaintenanceView {
    private MaintenanceView() {
    }

    /** {@code on}: empty when the tier is not deployed far enough to have a switch; {@code how}: what maintenance does there. */
    static String row(Target target, Optional<Boolean> on, String how) {
        String state = on.map(o -> o ? "ON: " + how + "; end it with tierlift maintenance off " + target.key() : "off")
                .orElse("unknown: not deployed");
        return String.format("%-10s %s", "maintenance", state);
    }

    /** Adds {@code "maintenance": true|false|null} to {@code root} and returns it. */
    static ObjectNode json(ObjectNode root, Optional<Boolean> on) {
        if (on.isPresent()) {
            root.put("maintenance", on.get());
        } else {
            root.putNull("maintenance");
        }
        return root;
    }
}
