package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AppDescriptor;
import io.tierlift.model.AwsIaasTarget;
import io.tierlift.model.Backend;
import io.tierlift.model.Scaling;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.aws.cfn.Iam;
import io.tierlift.render.aws.cfn.Props;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The app tier: an internet-facing ALB in the public subnets (reachable from CloudFront only, see
 * {@link SecurityGroups}, and forwarding only requests that carry the {@link OriginSecret}), and
 * an Auto Scaling group of EC2 instances in the private app subnets,
 * health-checked through the ALB and scaled on average CPU.
 *
 * <p>Releases: a new {@code ReleaseKey} changes the launch template's user data, hence its
 * version, which triggers an {@code AutoScalingRollingUpdate}. Rolling update was chosen over
 * {@code AutoScalingReplacingUpdate} because it needs no second full-size group (capacity and
 * quotas stay as they are) while still being safe: one instance at a time is replaced, capacity
 * never drops below the group's minimum, and each new instance must send a success signal
 * (after its own health check answered) within the pause time, or CloudFormation stops and rolls
 * the group back to the previous template.
 */
final class ComputeStack {
    static final String KEY = "compute";
    static final String ALB_DNS_NAME = "AlbDnsName";
    static final String ORIGIN_RECORD = "OriginRecord";
    static final String ASG_NAME = "AutoScalingGroupName";
    static final String TARGET_GROUP_ARN = "TargetGroupArn";
    static final String LOG_GROUP = "LogGroupName";
    static final String SSM_MANAGED_INSTANCE_POLICY = "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore";
    static final String ARTIFACT_BUCKET_PARAMETER = "ArtifactBucketName";
    static final String RELEASE_KEY_PARAMETER = "ReleaseKey";
    static final String DB_HOST_PARAMETER = "DbEndpointAddress";
    static final String DB_SECRET_PARAMETER = "DbSecretArn";
    /** What the load balancer counts as a live app: healthy, or up with its database unreachable. */
    static final String LIVE_STATUSES = "200,503";
    static final String APP_SECRET_PARAMETER = "AppSecretArn";
    static final String APP_DB_SECRET_PARAMETER = "AppDbSecretArn";
    static final String IMAGE_PARAMETER = "ImageId";
    /**
     * Whether the instances' start script runs the release command: false only while a migration
     * provisions the stacks (the copy brings the schema), so the next deploy replaces the instances.
     */
    static final String RELEASE_COMMAND_AT_BOOT_PARAMETER = "ReleaseCommandAtBoot";
    static final String RELEASE_COMMAND_AT_BOOT_VALUE = "release-command-at-boot";
    /** The public SSM parameter naming Amazon's current Amazon Linux 2023 image. */
    static final String LATEST_IMAGE = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
    static final String IMAGE_VALUE = "image-id";
    static final String ASG = "AppAutoScalingGroup";
    /** How long one new instance may take to install, start and pass its health check. */
    static final String SIGNAL_TIMEOUT = "PT15M";
    private static final int ALB_IDLE_TIMEOUT = 60;
    /** Listener rule priorities; 1 is left to the maintenance page a migration puts first. */
    static final int CURRENT_SECRET_PRIORITY = 10;
    static final int PREVIOUS_SECRET_PRIORITY = 11;

    private final StackNames names;
    private final AppDescriptor app;
    private final AwsIaasTarget target;
    private final UserData userData;

    ComputeStack(StackNames names, AppDescriptor app, AwsIaasTarget target, UserData userData) {
        this.names = names;
        this.app = app;
        this.target = target;
        this.userData = userData;
    }

    /** The stack, and the instances' boot script for review next to the templates. */
    record Built(StackSpec stack, UserData.Script bootScript) {
    }

    Built build() {
        Backend backend = app.backend();
        boolean appSecret = backend.hasSecretEnv();
        boolean https = target.certificateArn().isPresent();
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " compute: ALB (" + (https ? "HTTPS" : "HTTP")
                + ") and Auto Scaling group of " + target.instanceType() + " running Gunicorn on port " + backend.port());
        Map<String, ParameterSource> sources = new LinkedHashMap<>();

        JsonNode vpc = t.parameter("VpcId", CfnParameter.of("AWS::EC2::VPC::Id", "The VPC (network stack)"));
        sources.put("VpcId", new ParameterSource.StackOutput(NetworkStack.KEY, NetworkStack.VPC_ID));
        JsonNode publicSubnets = t.parameter("PublicSubnetIds", CfnParameter.of("List<AWS::EC2::Subnet::Id>",
                "Public subnets for the load balancer (network stack)"));
        sources.put("PublicSubnetIds", new ParameterSource.StackOutput(NetworkStack.KEY, NetworkStack.PUBLIC_SUBNET_IDS));
        JsonNode appSubnets = t.parameter("AppSubnetIds", CfnParameter.of("List<AWS::EC2::Subnet::Id>",
                "Private subnets for the instances (network stack)"));
        sources.put("AppSubnetIds", new ParameterSource.StackOutput(NetworkStack.KEY, NetworkStack.APP_SUBNET_IDS));
        JsonNode albGroup = t.parameter("AlbSecurityGroupId", CfnParameter.of("AWS::EC2::SecurityGroup::Id",
                "Security group of the load balancer (network stack)"));
        sources.put("AlbSecurityGroupId", new ParameterSource.StackOutput(NetworkStack.KEY, NetworkStack.ALB_SECURITY_GROUP_ID));
        JsonNode appGroup = t.parameter("AppSecurityGroupId", CfnParameter.of("AWS::EC2::SecurityGroup::Id",
                "Security group of the instances (network stack)"));
        sources.put("AppSecurityGroupId", new ParameterSource.StackOutput(NetworkStack.KEY, NetworkStack.APP_SECURITY_GROUP_ID));
        t.parameter(ARTIFACT_BUCKET_PARAMETER, CfnParameter.string("Bucket holding the releases (artifacts stack)"));
        sources.put(ARTIFACT_BUCKET_PARAMETER, new ParameterSource.StackOutput(ArtifactsStack.KEY, ArtifactsStack.BUCKET_NAME));
        t.parameter(RELEASE_KEY_PARAMETER, CfnParameter.string("Key of the backend release (tar.gz of the backend folder) "
                        + "in the artifact bucket; a new key rolls the instances")
                .withPattern("^" + ArtifactsStack.RELEASE_PREFIX + "[A-Za-z0-9._/-]{1,900}$",
                        "a key under " + ArtifactsStack.RELEASE_PREFIX + " of letters, digits, '.', '_', '-' and '/'"));
        sources.put(RELEASE_KEY_PARAMETER, new ParameterSource.DeployTime("release-key",
                "the key tierlift deploy uploads the backend release to, under " + ArtifactsStack.RELEASE_PREFIX));
        t.parameter(DB_HOST_PARAMETER, CfnParameter.string("Host name of the database (data stack)"));
        sources.put(DB_HOST_PARAMETER, new ParameterSource.StackOutput(DataStack.KEY, DataStack.DB_ADDRESS));
        JsonNode dbSecret = t.parameter(DB_SECRET_PARAMETER, CfnParameter.string(
                "Secret with the database credentials, managed by RDS (data stack)"));
        sources.put(DB_SECRET_PARAMETER, new ParameterSource.StackOutput(DataStack.KEY, DataStack.DB_SECRET_ARN));
        JsonNode appDbSecret = t.parameter(APP_DB_SECRET_PARAMETER, CfnParameter.string(
                "Secret with the app database role's credentials (data stack)"));
        sources.put(APP_DB_SECRET_PARAMETER, new ParameterSource.StackOutput(DataStack.KEY, AppDbSecret.OUTPUT));
        List<JsonNode> readableSecrets = new ArrayList<>(List.of(dbSecret, appDbSecret));
        if (appSecret) {
            readableSecrets.add(t.parameter(APP_SECRET_PARAMETER, CfnParameter.string(
                    "Secret with the app's secret environment variables (data stack)")));
            sources.put(APP_SECRET_PARAMETER, new ParameterSource.StackOutput(DataStack.KEY, AppSecret.OUTPUT));
        }
        t.parameter(RELEASE_COMMAND_AT_BOOT_PARAMETER, CfnParameter.string("Whether the instances run the release command "
                        + "before Gunicorn starts: false while a migration provisions the stacks, as its copy brings the schema")
                .withDefault("true").withPattern("^(true|false)$", "true or false"));
        sources.put(RELEASE_COMMAND_AT_BOOT_PARAMETER, new ParameterSource.DeployTime(RELEASE_COMMAND_AT_BOOT_VALUE,
                "true on every deploy; false when migrate provisions the stacks"));
        // A plain image id, not the SSM parameter type: CloudFormation would resolve that again on every
        // update and roll the whole fleet whenever Amazon publishes a new image. The deployer keeps the
        // image the stack runs and takes the parameter's newest one only on a first deploy or when asked.
        JsonNode image = t.parameter(IMAGE_PARAMETER, CfnParameter.of("AWS::EC2::Image::Id",
                "Amazon Linux 2023 image of the instances; a new one rolls the instances"));
        sources.put(IMAGE_PARAMETER, new ParameterSource.DeployTime(IMAGE_VALUE, "the image the compute stack runs; "
                + "on its first deploy, or with --refresh-image, the one SSM parameter " + LATEST_IMAGE + " names"));

        String logGroupName = names.appLogGroup();
        CfnResource logGroup = t.add(CfnResource.of("AppLogGroup", "AWS::Logs::LogGroup", props()
                .put("LogGroupName", logGroupName)
                .put("RetentionInDays", 30))
                // Deleted with the stack: its fixed name would otherwise block deploying the stack again.
                .onDeleteAndReplace("Delete"));

        CfnResource role = t.add(instanceRole(readableSecrets, logGroup));
        CfnResource profile = t.add(CfnResource.of("InstanceProfile", "AWS::IAM::InstanceProfile", props()
                .put("Roles", List.of(role.ref()))));

        CfnResource alb = t.add(CfnResource.of("LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", props()
                .put("Type", "application")
                .put("Scheme", "internet-facing")
                .put("Subnets", publicSubnets)
                .put("SecurityGroups", List.of(albGroup))
                .put("LoadBalancerAttributes", List.of(
                        attribute("routing.http.drop_invalid_header_fields.enabled", "true"),
                        attribute("idle_timeout.timeout_seconds", String.valueOf(ALB_IDLE_TIMEOUT))))));
        CfnResource targetGroup = t.add(CfnResource.of("TargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", props()
                .put("VpcId", vpc)
                .put("TargetType", "instance")
                .put("Protocol", "HTTP")
                .put("Port", backend.port())
                .put("HealthCheckProtocol", "HTTP")
                .put("HealthCheckPath", backend.health())
                .put("HealthCheckIntervalSeconds", 15)
                .put("HealthCheckTimeoutSeconds", 5)
                .put("HealthyThresholdCount", 2)
                .put("UnhealthyThresholdCount", 3)
                // Liveness: an instance that answers its health path at all is alive, including 503 (the
                // app up, its database not), so an RDS blip or a Multi-AZ failover does not make the Auto
                // Scaling group replace the fleet. Readiness, at boot, still needs a 200 (the boot signal).
                .put("Matcher", props().put("HttpCode", LIVE_STATUSES))
                // Requests in flight get as long as Gunicorn gives its workers to finish.
                .put("TargetGroupAttributes", List.of(attribute("deregistration_delay.timeout_seconds",
                        String.valueOf(Math.max(1, backend.gracefulTimeout().toSeconds())))))));
        // Only requests carrying CloudFront's origin secret reach the app; anything else (another
        // distribution, or a client that found the ALB's name) gets a fixed 403.
        Props listenerProps = props()
                .put("LoadBalancerArn", alb.ref())
                .put("DefaultActions", List.of(props().put("Type", "fixed-response").put("FixedResponseConfig", props()
                        .put("StatusCode", "403")
                        .put("ContentType", "text/plain")
                        .put("MessageBody", "Forbidden"))));
        CfnResource listener;
        if (https) {
            listener = t.add(CfnResource.of("HttpsListener", "AWS::ElasticLoadBalancingV2::Listener", listenerProps
                    .put("Protocol", "HTTPS")
                    .put("Port", 443)
                    .put("SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
                    .put("Certificates", List.of(props().put("CertificateArn", target.certificateArn().get())))));
        } else {
            listener = t.add(CfnResource.of("HttpListener", "AWS::ElasticLoadBalancingV2::Listener", listenerProps
                    .put("Protocol", "HTTP")
                    .put("Port", 80)));
        }
        OriginSecret.parameters(t, sources, true);
        t.add(forwardWithOriginSecret("ForwardWithOriginSecret", CURRENT_SECRET_PRIORITY, listener, targetGroup,
                OriginSecret.VERSION_PARAMETER));
        t.add(forwardWithOriginSecret("ForwardWithPreviousOriginSecret", PREVIOUS_SECRET_PRIORITY, listener, targetGroup,
                OriginSecret.PREVIOUS_VERSION_PARAMETER));

        app.dns().filter(dns -> target.originDomain().isPresent())
                .ifPresent(dns -> t.add(originRecord(dns.zoneId(), target.originDomain().get(), alb)));

        UserData.Script script = userData.render(app, new UserData.Inputs(ASG, logGroupName, appSecret));
        CfnResource launchTemplate = t.add(CfnResource.of("LaunchTemplate", "AWS::EC2::LaunchTemplate", props()
                .put("LaunchTemplateData", props()
                        .put("ImageId", image)
                        .put("InstanceType", target.instanceType())
                        .put("IamInstanceProfile", props().put("Arn", profile.att("Arn")))
                        .put("SecurityGroupIds", List.of(appGroup))
                        .put("MetadataOptions", props()
                                .put("HttpEndpoint", "enabled")
                                .put("HttpTokens", "required")
                                // 1 hop: containers or forwarded traffic on the instance can't reach IMDS.
                                .put("HttpPutResponseHopLimit", 1))
                        .put("BlockDeviceMappings", List.of(props()
                                .put("DeviceName", "/dev/xvda")
                                .put("Ebs", props()
                                        .put("VolumeType", "gp3")
                                        .put("VolumeSize", 20)
                                        .put("Encrypted", true)
                                        .put("DeleteOnTermination", true))))
                        .put("UserData", script.cloudFormationValue()))));

        t.add(autoScalingGroup(appSubnets, launchTemplate, targetGroup));
        t.add(CfnResource.of("CpuTargetTracking", "AWS::AutoScaling::ScalingPolicy", props()
                .put("AutoScalingGroupName", Fn.ref(ASG))
                .put("PolicyType", "TargetTrackingScaling")
                .put("TargetTrackingConfiguration", props()
                        .put("PredefinedMetricSpecification", props().put("PredefinedMetricType", "ASGAverageCPUUtilization"))
                        .put("TargetValue", target.scaling().cpuTarget()))));

        t.output(ALB_DNS_NAME, "DNS name of the load balancer (CloudFront's API origin)", alb.att("DNSName"));
        t.output(ASG_NAME, "The Auto Scaling group", Fn.ref(ASG));
        t.output(TARGET_GROUP_ARN, "Target group of the app instances", targetGroup.ref());
        t.output(LOG_GROUP, "Log group of Gunicorn and boot logs", logGroup.ref());
        // The instance role is unnamed, so CAPABILITY_IAM (not _NAMED_IAM) is enough.
        return new Built(new StackSpec(KEY, names.stack(KEY), target.region(), t.build(), sources, List.of("CAPABILITY_IAM")),
                script);
    }

    /**
     * The name CloudFront reaches the load balancer by (origin_domain, which the ALB certificate covers),
     * as an alias record in the zone the descriptor manages: made with the load balancer, so /api/*
     * works from the first deploy and the record follows the ALB if it is ever replaced.
     */
    private static CfnResource originRecord(String zoneId, String originDomain, CfnResource alb) {
        return CfnResource.of(ORIGIN_RECORD, "AWS::Route53::RecordSet", props()
                .put("HostedZoneId", zoneId)
                .put("Name", originDomain)
                .put("Type", "A")
                .put("AliasTarget", props()
                        .put("DNSName", alb.att("DNSName"))
                        .put("HostedZoneId", alb.att("CanonicalHostedZoneID"))
                        .put("EvaluateTargetHealth", false)));
    }

    /**
     * Forwards requests whose origin header holds the secret's value at one version. Two rules, for
     * the current and the previous version, so that the edges CloudFront has not yet moved to a
     * rotated value still get through (one value each: the same value twice before any rotation).
     */
    private static CfnResource forwardWithOriginSecret(String logicalId, int priority, CfnResource listener,
                                                       CfnResource targetGroup, String versionParameter) {
        return CfnResource.of(logicalId, "AWS::ElasticLoadBalancingV2::ListenerRule", props()
                .put("ListenerArn", listener.ref())
                .put("Priority", priority)
                .put("Conditions", List.of(props()
                        .put("Field", "http-header")
                        .put("HttpHeaderConfig", props()
                                .put("HttpHeaderName", OriginSecret.HEADER)
                                .put("Values", List.of(OriginSecret.value(versionParameter))))))
                .put("Actions", List.of(props().put("Type", "forward").put("TargetGroupArn", targetGroup.ref()))));
    }

    private CfnResource autoScalingGroup(JsonNode subnets, CfnResource launchTemplate, CfnResource targetGroup) {
        Scaling scaling = target.scaling();
        CfnResource group = CfnResource.of(ASG, "AWS::AutoScaling::AutoScalingGroup", props()
                .put("VPCZoneIdentifier", subnets)
                .put("LaunchTemplate", props()
                        .put("LaunchTemplateId", launchTemplate.ref())
                        .put("Version", launchTemplate.att("LatestVersionNumber")))
                .put("MinSize", String.valueOf(scaling.min()))
                .put("MaxSize", String.valueOf(scaling.max()))
                .put("DesiredCapacity", String.valueOf(scaling.desired()))
                .put("TargetGroupARNs", List.of(targetGroup.ref()))
                .put("HealthCheckType", "ELB")
                // Covers package installs and the virtualenv build before the ALB's checks count.
                .put("HealthCheckGracePeriod", 600)
                .put("Tags", List.of(props().put("Key", "Name").put("Value", names.resource("app")).put("PropagateAtLaunch", true))))
                .withUpdatePolicy(props()
                        .put("AutoScalingRollingUpdate", props()
                                // CloudFormation requires fewer than MaxSize in service during the update.
                                .put("MinInstancesInService", String.valueOf(Math.min(scaling.min(), scaling.max() - 1)))
                                .put("MaxBatchSize", "1")
                                .put("PauseTime", SIGNAL_TIMEOUT)
                                .put("WaitOnResourceSignals", true)
                                // Keep the group from replacing or rebalancing instances mid-update.
                                .put("SuspendProcesses", List.of("HealthCheck", "ReplaceUnhealthy", "AZRebalance",
                                        "AlarmNotification", "ScheduledActions")))
                        .put("AutoScalingScheduledAction", props().put("IgnoreUnmodifiedGroupSizeProperties", true)));
        if (scaling.desired() > 0) {
            group = group.withCreationPolicy(props()
                    .put("ResourceSignal", props().put("Count", String.valueOf(scaling.desired())).put("Timeout", SIGNAL_TIMEOUT))
                    .put("AutoScalingCreationPolicy", props().put("MinSuccessfulInstancesPercent", 100)));
        }
        return group;
    }

    /**
     * The instances may read their release (only under the release prefix), the database secret
     * and the app's secret, write their own log group, signal their own stack, and be managed by
     * Systems Manager (Run Command, for exec). No wildcard actions, and no statement on every resource.
     */
    private CfnResource instanceRole(List<JsonNode> secrets, CfnResource logGroup) {
        return CfnResource.of("InstanceRole", "AWS::IAM::Role", props()
                .put("Description", names.prefix() + " app instances")
                .put("AssumeRolePolicyDocument", Iam.assumedBy("ec2.amazonaws.com"))
                // The SSM agent registers the instance with Systems Manager and takes Run Command's
                // scripts (tierlift exec) with this AWS-managed policy; it opens no inbound port.
                .put("ManagedPolicyArns", List.of(Fn.sub(SSM_MANAGED_INSTANCE_POLICY)))
                .put("Policies", List.of(Iam.inlinePolicy("app-instance", List.of(
                        Iam.allow("ReadRelease", "s3:GetObject", Fn.sub("arn:${AWS::Partition}:s3:::${"
                                + ARTIFACT_BUCKET_PARAMETER + "}/" + ArtifactsStack.RELEASE_PREFIX + "*")),
                        Iam.allow("ReadSecrets", "secretsmanager:GetSecretValue", secrets),
                        Iam.allow("WriteLogs", List.of("logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"),
                                logGroup.att("Arn")),
                        // Run Command's agent looks the exec log group up before it writes a command's output there.
                        Iam.allow("FindLogGroups", "logs:DescribeLogGroups", Fn.sub("arn:${AWS::Partition}:logs:${AWS::Region}:"
                                + "${AWS::AccountId}:log-group:*")),
                        Iam.allow("SignalOwnStack", "cloudformation:SignalResource", Fn.sub("arn:${AWS::Partition}:cloudformation:"
                                + "${AWS::Region}:${AWS::AccountId}:stack/${AWS::StackName}/*")))))));
    }

    private static Props attribute(String key, String value) {
        return props().put("Key", key).put("Value", value);
    }
}
