package io.tierlift.audit.aws;

import io.tierlift.audit.Finding;
import io.tierlift.audit.Severity;

import java.util.List;

/**
 * The app reaches the database as a role of its own, not as the RDS master user: RDS rotates the
 * master's managed password every 7 days, and an app holding it fails every request after a
 * rotation (and has every privilege of the master). The master's secret is for the release step
 * only, so wherever the app is handed it, the app's own database secret must be handed too.
 */
final class AppDatabaseRoleRule extends CfnRule {
    static final String MASTER_SECRET = "TIERLIFT_DB_SECRET_ARN";
    static final String APP_SECRET = "TIERLIFT_APP_DB_SECRET_ARN";

    AppDatabaseRoleRule() {
        super("aws.app-database-role", Severity.HIGH, "the app connects as its own database role, not the RDS master user",
                "give the app the app role's secret (" + APP_SECRET + ") next to the master's, which only the release step uses");
    }

    @Override
    void check(CfnTemplates templates, List<Finding> findings) {
        for (CfnResource function : templates.ofType("AWS::Lambda::Function")) {
            var variables = function.properties().path("Environment").path("Variables");
            if (variables.has(MASTER_SECRET) && !variables.has(APP_SECRET)) {
                findings.add(at(function, "the function gets the master user's secret and no app role secret: it connects "
                        + "as the master, whose password RDS rotates"));
            }
        }
        // The instances are handed the secrets' ARNs by the user data's header, which CloudFormation fills in and which
        // stays plain text; the boot script's body that uses them travels gzip-compressed, so it is not searched here.
        for (CfnResource template : templates.ofType("AWS::EC2::LaunchTemplate")) {
            String userData = template.properties().path("LaunchTemplateData").path("UserData").toString();
            if (userData.contains(MASTER_SECRET) && !userData.contains(APP_SECRET)) {
                findings.add(at(template, "the instances get the master user's secret and no app role secret: the app "
                        + "connects as the master, whose password RDS rotates"));
            }
        }
    }
}
