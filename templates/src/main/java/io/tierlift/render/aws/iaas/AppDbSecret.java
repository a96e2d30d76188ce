package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tierlift.database.PgSql;
import io.tierlift.model.Database;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The app's own database role on both AWS tiers, and the secret holding its password. The app does
 * not connect as the master user: RDS rotates the master's password every 7 days, and a process
 * holding the old one fails every request. Secrets Manager generates this password once; the
 * release step (as the master, reading the master's secret fresh) creates the role with it, and
 * sets it again whenever the secret holds another.
 */
public final class AppDbSecret {
    /** The data stack's output with the secret's ARN, read by the compute and api stacks. */
    public static final String OUTPUT = "AppDbSecretArn";
    private static final int PASSWORD_LENGTH = 40;

    private AppDbSecret() {
    }

    /** The role's name: the master user's name with {@code _app}, a name no other part of tierlift uses. */
    public static String role(Database database) {
        String role = database.user() + "_app";
        PgSql.identifier(role); // refuses a name PostgreSQL would truncate
        return role;
    }

    /** The role's name quoted for SQL, as the release step writes it into its statements. */
    public static String roleSql(Database database) {
        return PgSql.identifier(role(database));
    }

    public static CfnResource addTo(CfnTemplate.Builder t, StackNames names, Database database) {
        String template = JsonNodeFactory.instance.objectNode().put("username", role(database)).toString();
        CfnResource secret = t.add(CfnResource.of("AppDbSecret", "AWS::SecretsManager::Secret", props()
                .put("Description", names.prefix() + " credentials of the app's own database role (the release step "
                        + "creates the role with them; the app connects with them)")
                .put("GenerateSecretString", props()
                        .put("SecretStringTemplate", template)
                        .put("GenerateStringKey", "password")
                        .put("PasswordLength", PASSWORD_LENGTH)
                        // Letters and digits only: nothing to quote in a URL, a libpq string or a shell.
                        .put("ExcludePunctuation", true)))
                // A new secret is a new password, which the next release step gives the role.
                .onDeleteAndReplace("Delete"));
        t.output(OUTPUT, "Secret holding the app database role's user name and password", secret.ref());
        return secret;
    }
}
