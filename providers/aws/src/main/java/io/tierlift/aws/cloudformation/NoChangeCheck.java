package io.tierlift.aws.cloudformation;

import io.tierlift.aws.client.AwsCalls;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.TemplateStage;

/** Tells a request that would change nothing, before a change set is made and by the reason a change set fails with. */
final class NoChangeCheck {
    static final String NO_CHANGES = "The submitted information didn't contain changes";
    static final String NO_UPDATES = "No updates are to be performed.";

    private final AwsCalls aws = new AwsCalls("CloudFormation");

    /**
     * True when the request would change nothing: the live template, parameters and tags are the
     * requested ones. Saves a change set round trip, and some emulators report spurious changes
     * for an identical template.
     */
    boolean sameAsLive(CloudFormationClient cfn, LiveStack live, StackRequest request) {
        if (!live.stable() || live.parametersResolved()) {
            return false;
        }
        if (!live.parameters().equals(request.parameters()) || !live.tags().equals(request.tags())) {
            return false;
        }
        String template = aws.call("GetTemplate", () -> cfn.getTemplate(b -> b.stackName(live.stackId())
                .templateStage(TemplateStage.ORIGINAL))).templateBody();
        return request.templateBody().equals(template);
    }

    /** CloudFormation fails a change set that changes nothing, with one of two reasons. */
    static boolean isNoChangeReason(String reason) {
        return reason.startsWith(NO_CHANGES) || reason.startsWith(NO_UPDATES);
    }
}
