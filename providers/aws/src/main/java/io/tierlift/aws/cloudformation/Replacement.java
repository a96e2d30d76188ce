package io.tierlift.aws.cloudformation;

/** Whether a Modify replaces the resource (a new physical resource; the old one is deleted). */
public enum Replacement {
    TRUE, FALSE, CONDITIONAL, NOT_APPLICABLE;

    static Replacement fromAws(String value) {
        if (value == null) {
            return NOT_APPLICABLE;
        }
        return switch (value) {
            case "True" -> TRUE;
            case "False" -> FALSE;
            case "Conditional" -> CONDITIONAL;
            default -> NOT_APPLICABLE;
        };
    }
}
