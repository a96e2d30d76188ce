package io.tierlift.render.aws.serverless;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.Backend;
import io.tierlift.render.aws.iaas.AppDbSecret;
import io.tierlift.render.aws.iaas.OriginSecret;
import io.tierlift.render.engine.TemplateEngine;

import java.util.Locale;

/**
 * {@code tierlift_lambda.py}, the module Lambda calls: it runs the unchanged Flask app (any WSGI
 * app) behind API Gateway's HTTP API (payload format 2.0), and runs the release command when the
 * deployer invokes the function with {@code {"tierlift": "release-command"}}.
 *
 * <p>Why an adapter of our own rather than the AWS Lambda Web Adapter (a Lambda extension that
 * runs Gunicorn and forwards over HTTP): the extension is a layer published per region whose ARN
 * tierlift would have to track, and it cannot be run or tested without AWS; this module is plain
 * Python over WSGI, sits inside the package, and is proven here with the real app and a real
 * PostgreSQL (see the aws provider's Lambda tests).
 *
 * <p>Configuration is split by what changes it: the app's entry point and release command are
 * baked into the module (they change with the code), while the database endpoint and the ARNs of
 * the secrets come from the function's environment (they change with the stacks). No secret
 * value is in either: the module reads them from Secrets Manager at cold start.
 */
public final class LambdaAdapter {
    /** The module's file name at the root of the package. */
    public static final String FILE = "tierlift_lambda.py";
    /** The function's handler setting. */
    public static final String HANDLER = "tierlift_lambda.handler";
    /** The event the deployer sends to run the release command. */
    public static final String RELEASE_COMMAND_EVENT = "{\"tierlift\": \"release-command\"}";
    /** The event a migration's provision sends instead: the app's database role only, no release command. */
    public static final String APP_ROLE_EVENT = "{\"tierlift\": \"app-role\"}";

    private final TemplateEngine engine;

    public LambdaAdapter(TemplateEngine engine) {
        this.engine = engine;
    }

    public String render(AppDescriptor app) {
        Backend backend = app.backend();
        int colon = backend.wsgi().indexOf(':');
        String attribute = backend.wsgi().substring(colon + 1);
        // "module:create_app()" names a factory, as gunicorn reads it: the adapter calls it once per cold start.
        boolean factory = attribute.endsWith("()");
        String siteName = app.targets().awsServerless().flatMap(t -> t.domain()).orElse(app.app());
        return engine.render("aws/serverless/tierlift_lambda.py.ftl", new View(app.app(),
                backend.wsgi().substring(0, colon), factory ? attribute.substring(0, attribute.length() - 2) : attribute, factory,
                backend.releaseCommand().orElse(""), new io.tierlift.render.page.MaintenancePage(engine).render(app.app(), siteName),
                AppDbSecret.role(app.database()), AppDbSecret.roleSql(app.database()),
                OriginSecret.HEADER.toLowerCase(Locale.ROOT)));
    }

    /**
     * View model of {@code tierlift_lambda.py.ftl}.
     *
     * @param wsgiFactory whether {@code wsgiAttribute} is an app factory to call rather than the app itself
     * @param releaseCommand the command run with {@code sh -c}; empty when the app has none
     * @param maintenancePage the page answered while the function is in maintenance (the on-prem tier's page)
     * @param appRole the app's own database role, and {@code appRoleSql} the same quoted for SQL
     * @param originHeader the header CloudFront's origin secret arrives in, lower case as API Gateway passes it
     */
    public record View(String app, String wsgiModule, String wsgiAttribute, boolean wsgiFactory, String releaseCommand, String maintenancePage,
                       String appRole, String appRoleSql, String originHeader) {
    }
}
