package io.tierlift.render.aws.iaas;

import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The Secrets Manager secret that holds the app's secret environment variables on both AWS tiers.
 * The stack makes it empty; the deployer writes its value, so no secret passes through a template.
 */
public final class AppSecret {
    /** The data stack's output with the secret's ARN, read by the compute and api stacks. */
    public static final String OUTPUT = "AppSecretArn";

    private AppSecret() {
    }

    public static void addTo(CfnTemplate.Builder t, StackNames names) {
        CfnResource secret = t.add(CfnResource.of("AppSecret", "AWS::SecretsManager::Secret", props()
                .put("Description", names.prefix() + " secret environment variables of the app, a JSON object "
                        + "written by tierlift deploy (never by CloudFormation)"))
                // The deployer writes the values again on every deploy, so nothing is lost with it.
                .onDeleteAndReplace("Delete"));
        t.output(OUTPUT, "Secret holding the app's secret environment variables", secret.ref());
    }
}
