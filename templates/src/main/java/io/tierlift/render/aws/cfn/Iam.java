package io.tierlift.render.aws.cfn;

import java.util.List;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * IAM policy documents as the stacks write them: every statement named (Sid) and allowing named
 * actions on named resources, so a reviewer reads each grant on its own line of the template.
 */
public final class Iam {
    private static final String POLICY_VERSION = "2012-10-17";

    private Iam() {
    }

    /** The trust policy of a role that {@code service} (e.g. {@code lambda.amazonaws.com}) assumes. */
    public static Props assumedBy(String service) {
        return document(List.of(props()
                .put("Effect", "Allow")
                .put("Principal", props().put("Service", service))
                .put("Action", "sts:AssumeRole")));
    }

    /** An inline policy of a role: {@code PolicyName} and its document. */
    public static Props inlinePolicy(String name, List<Props> statements) {
        return props().put("PolicyName", name).put("PolicyDocument", document(statements));
    }

    /** One grant; {@code actions} and {@code resources} are a value or a list, as IAM accepts both. */
    public static Props allow(String sid, Object actions, Object resources) {
        return props().put("Sid", sid).put("Effect", "Allow").put("Action", actions).put("Resource", resources);
    }

    private static Props document(List<Props> statements) {
        return props().put("Version", POLICY_VERSION).put("Statement", statements);
    }
}
