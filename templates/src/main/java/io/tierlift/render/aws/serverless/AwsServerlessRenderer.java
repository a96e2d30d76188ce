package io.tierlift.render.aws.serverless;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackFiles;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.aws.iaas.ArtifactsStack;
import io.tierlift.render.aws.iaas.StackNames;
import io.tierlift.render.aws.iaas.StaticSiteStack;
import io.tierlift.render.aws.iaas.WafStack;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.secret.SecretView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The aws-serverless tier as CloudFormation stacks, in deployment order:
 * <ol>
 * <li>{@code artifacts}: release bucket, as aws-iaas (the function's code is read from it);</li>
 * <li>{@code network}: VPC with private subnets only, Secrets Manager endpoint, security groups;</li>
 * <li>{@code data}: Aurora Serverless v2 PostgreSQL and its RDS Proxy;</li>
 * <li>{@code api}: the Lambda function and the API Gateway HTTP API in front of it;</li>
 * <li>{@code waf}: CloudFront web ACL, always in us-east-1, as aws-iaas;</li>
 * <li>{@code static}: site bucket and CloudFront distribution, as aws-iaas, with {@code /api/*}
 * going to the HTTP API over HTTPS.</li>
 * </ol>
 * Besides the stacks, {@code render} writes {@code tierlift_lambda.py}, the adapter that goes into
 * the function's package with the app, for review. Rendering reads no secret: templates and
 * parameters hold none, and the function reads its secrets from Secrets Manager at cold start.
 */
public final class AwsServerlessRenderer implements RenderProvider {
    private final TemplateEngine engine;
    private final CfnJson json;

    public AwsServerlessRenderer() {
        this(new FreemarkerEngine(), new CfnJson());
    }

    public AwsServerlessRenderer(TemplateEngine engine, CfnJson json) {
        this.engine = engine;
        this.json = json;
    }

    @Override
    public Target target() {
        return Target.AWS_SERVERLESS;
    }

    @Override
    public boolean isDescribed(AppDescriptor descriptor) {
        return descriptor.targets().awsServerless().isPresent();
    }

    /** The stacks to deploy, for the deployer. */
    public StackPlan plan(AppDescriptor descriptor) {
        AwsServerlessTarget target = descriptor.targets().awsServerless()
                .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.aws-serverless section"));
        StackNames names = new StackNames(descriptor.app(), descriptor.environment(), StackNames.SERVERLESS);
        StaticSiteStack.ApiOrigin httpApi = new StaticSiteStack.ApiOrigin("API Gateway", true,
                "DNS name of the HTTP API (api stack output " + ApiStack.API_DOMAIN_NAME + ")",
                new ParameterSource.StackOutput(ApiStack.KEY, ApiStack.API_DOMAIN_NAME),
                target.lambda().timeoutSeconds());
        return new StackPlan(List.of(
                new ArtifactsStack(names, target.region()).build(),
                new ServerlessNetworkStack(names, target, descriptor.database().port()).build(),
                new AuroraStack(names, target, descriptor.database(), descriptor.backend().hasSecretEnv()).build(),
                new ApiStack(names, descriptor, target).build(),
                new WafStack(names, target.wafRateLimit()).build(),
                new StaticSiteStack(names, new StaticSiteStack.Site(target.region(), target.domain(),
                        target.cloudfrontCertificateArn()), httpApi, engine).build()),
                Map.of("app", descriptor.app(), "env", descriptor.environment(), "managed-by", "tierlift"));
    }

    @Override
    public List<RenderedFile> render(AppDescriptor descriptor, SecretView secrets) {
        List<RenderedFile> files = new ArrayList<>(new StackFiles(json).render(target().key(), plan(descriptor)));
        files.add(RenderedFile.text(LambdaAdapter.FILE, new LambdaAdapter(engine).render(descriptor), 0644, "", "", false));
        files.sort(Comparator.comparing(RenderedFile::location));
        return files;
    }
}
