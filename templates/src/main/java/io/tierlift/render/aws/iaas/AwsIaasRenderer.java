package io.tierlift.render.aws.iaas;

import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsIaasTarget;
import io.tierlift.provider.RenderProvider;
import io.tierlift.provider.RenderedFile;
import io.tierlift.provider.Target;
import io.tierlift.render.aws.StackFiles;
import io.tierlift.render.aws.StackPlan;
import io.tierlift.render.aws.cfn.CfnJson;
import io.tierlift.render.engine.FreemarkerEngine;
import io.tierlift.render.engine.TemplateEngine;
import io.tierlift.secret.SecretView;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The aws-iaas tier as CloudFormation stacks, in deployment order:
 * <ol>
 * <li>{@code artifacts}: release bucket (the compute stack's instances download from it);</li>
 * <li>{@code network}: VPC, subnets, NAT, routes, security groups;</li>
 * <li>{@code data}: RDS PostgreSQL;</li>
 * <li>{@code compute}: ALB, launch template, Auto Scaling group;</li>
 * <li>{@code waf}: CloudFront web ACL, always in us-east-1;</li>
 * <li>{@code static}: site bucket and CloudFront distribution.</li>
 * </ol>
 * Stacks pass values to later ones through parameters the deployer fills from outputs (see
 * {@link StackPlan}). Rendering reads no secret: templates and parameters hold none, and
 * instances fetch theirs from Secrets Manager when they start.
 */
public final class AwsIaasRenderer implements RenderProvider {
    /** The compute stack's parameter holding the instances' image id. */
    public static final String IMAGE_ID_PARAMETER = ComputeStack.IMAGE_PARAMETER;
    /** The deploy-time value the deployer gives {@link #IMAGE_ID_PARAMETER}. */
    public static final String IMAGE_ID_VALUE = ComputeStack.IMAGE_VALUE;
    /** The deploy-time value ("true"/"false") saying whether the instances run the release command when they start. */
    public static final String RELEASE_COMMAND_AT_BOOT_VALUE = ComputeStack.RELEASE_COMMAND_AT_BOOT_VALUE;
    /** The public SSM parameter naming Amazon's newest Amazon Linux 2023 image. */
    public static final String LATEST_IMAGE_PARAMETER = ComputeStack.LATEST_IMAGE;

    private final TemplateEngine engine;
    private final CfnJson json;

    public AwsIaasRenderer() {
        this(new FreemarkerEngine(), new CfnJson());
    }

    public AwsIaasRenderer(TemplateEngine engine, CfnJson json) {
        this.engine = engine;
        this.json = json;
    }

    @Override
    public Target target() {
        return Target.AWS_IAAS;
    }

    @Override
    public boolean isDescribed(AppDescriptor descriptor) {
        return descriptor.targets().awsIaas().isPresent();
    }

    /** The stacks to deploy, for the deployer. */
    public StackPlan plan(AppDescriptor descriptor) {
        return build(descriptor).plan();
    }

    @Override
    public List<RenderedFile> render(AppDescriptor descriptor, SecretView secrets) {
        Rendering rendering = build(descriptor);
        List<RenderedFile> files = new ArrayList<>(new StackFiles(json).render(target().key(), rendering.plan()));
        files.add(RenderedFile.text("user-data.sh", rendering.bootScript(), 0644, "", "", false));
        files.sort(Comparator.comparing(RenderedFile::location));
        return files;
    }

    private record Rendering(StackPlan plan, String bootScript) {
    }

    private Rendering build(AppDescriptor descriptor) {
        AwsIaasTarget target = descriptor.targets().awsIaas()
                .orElseThrow(() -> new IllegalArgumentException("the descriptor has no targets.aws-iaas section"));
        StackNames names = new StackNames(descriptor.app(), descriptor.environment(), StackNames.IAAS);
        boolean https = target.certificateArn().isPresent();
        SecurityGroups securityGroups = new SecurityGroups(names, new SecurityGroups.Ports(https ? 443 : 80,
                descriptor.backend().port(), descriptor.database().port()));
        NetworkStack network = new NetworkStack(names, target, securityGroups);
        ComputeStack.Built compute = new ComputeStack(names, descriptor, target, new UserData(engine, json)).build();
        StackPlan plan = new StackPlan(List.of(
                new ArtifactsStack(names, target.region()).build(),
                network.build(),
                new DataStack(names, target, descriptor.database(), descriptor.backend().hasSecretEnv()).build(),
                compute.stack(),
                new WafStack(names, target.wafRateLimit()).build(),
                new StaticSiteStack(names, target, (int) descriptor.backend().timeout().toSeconds(), engine).build()),
                Map.of("app", descriptor.app(), "env", descriptor.environment(), "managed-by", "tierlift"));
        return new Rendering(plan, compute.bootScript().forReview());
    }
}
