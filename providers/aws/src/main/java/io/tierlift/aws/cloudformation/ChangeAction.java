package io.tierlift.aws.cloudformation;

/** What CloudFormation will do to a resource, as DescribeChangeSet names it. */
public enum ChangeAction {
    ADD, MODIFY, REMOVE, IMPORT, DYNAMIC, SYNC_WITH_ACTUAL;

    static ChangeAction fromAws(String value) {
        if (value == null) {
            return DYNAMIC;
        }
        return switch (value) {
            case "Add" -> ADD;
            case "Modify" -> MODIFY;
            case "Remove" -> REMOVE;
            case "Import" -> IMPORT;
            case "SyncWithActual" -> SYNC_WITH_ACTUAL;
            // "Dynamic" and anything newer than this code: the exact action is not known in advance.
            default -> DYNAMIC;
        };
    }
}
