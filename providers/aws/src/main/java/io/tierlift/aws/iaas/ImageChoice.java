package io.tierlift.aws.iaas;

import io.tierlift.plan.Action;
import io.tierlift.plan.PlannedChange;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which image the instances run after a deploy. A new image id replaces every instance, so the one the
 * compute stack runs ({@code running}, recorded as its image parameter by the deploy that made it) is
 * kept; Amazon's newest ({@code newest}, named by a public SSM parameter) is taken on the stack's first
 * deploy, or when the operator asks for it ({@code refresh}). {@code newest} is empty when it was not
 * looked up: a deploy that keeps the running image needs no lookup.
 */
public record ImageChoice(Optional<String> running, Optional<String> newest, boolean refresh, String parameterName) {
    private static final Pattern IMAGE_ID = Pattern.compile("ami-[0-9a-f]{8,17}");
    /** The flag that asks for the newest image; named in the plan and the recap. */
    public static final String REFRESH_FLAG = "--refresh-image";

    public ImageChoice {
        if (running.isEmpty() || refresh) {
            newest.orElseThrow(() -> new IllegalArgumentException("the newest image must be looked up to be taken"));
        }
    }

    static boolean isImageId(String value) {
        return IMAGE_ID.matcher(value).matches();
    }

    /** The image id the compute stack is given. */
    public String imageId() {
        return running.filter(id -> !refresh).or(() -> newest).orElseThrow();
    }

    /** True when the deploy moves the running instances to another image, replacing each of them. */
    public boolean rolls() {
        return running.isPresent() && !running.get().equals(imageId());
    }

    /** The plan's line for the image: kept, taken on the first deploy, or refreshed from one image to another. */
    public PlannedChange change(String address) {
        if (running.isEmpty()) {
            return new PlannedChange(address, "ec2-image", Action.CREATE, "use " + imageId() + ", Amazon's newest",
                    Optional.empty(), List.of("named by SSM parameter " + parameterName + "; later deploys keep it until "
                            + REFRESH_FLAG), false);
        }
        if (rolls()) {
            return new PlannedChange(address, "ec2-image", Action.UPDATE, "refresh " + running.get() + " -> " + imageId(),
                    Optional.empty(), List.of("every instance is replaced, one at a time"), false);
        }
        return new PlannedChange(address, "ec2-image", Action.NO_OP, summary(), Optional.empty(), List.of(), false);
    }

    /** What becomes of the image, in one line: for the recap and the plan's note. */
    public String summary() {
        if (running.isEmpty()) {
            return imageId() + " (Amazon's newest, recorded for later deploys)";
        }
        if (rolls()) {
            return imageId() + " (refreshed from " + running.get() + ")";
        }
        String kept = running.get() + " (kept";
        if (newest.isEmpty()) {
            return kept + ")";
        }
        if (newest.get().equals(running.get())) {
            return kept + ", the newest)";
        }
        return kept + "; Amazon's newest is " + newest.get() + ": " + REFRESH_FLAG + " rolls the instances onto it)";
    }
}
