package io.tierlift.render.aws.iaas;

import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.aws.cfn.Props;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The WAF in front of CloudFront. CLOUDFRONT-scoped web ACLs exist only in us-east-1, so this stack
 * is always deployed there whatever the app's region; its ARN reaches the static stack as a
 * parameter (Fn::ImportValue cannot cross regions).
 *
 * <p>Rules: a per-address rate limit first (cheapest, stops floods before the managed rules
 * are evaluated), then AWS's common, known-bad-inputs and SQL injection rule groups. Both AWS
 * tiers put it in front of their CloudFront distribution.
 */
public final class WafStack {
    public static final String KEY = "waf";
    public static final String REGION = "us-east-1";
    public static final String WEB_ACL_ARN = "WebAclArn";
    private static final int LOG_RETENTION_DAYS = 30;
    private static final List<String> MANAGED_RULE_GROUPS = List.of(
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesSQLiRuleSet");

    private final StackNames names;
    /** Requests per 5 minutes per client address. */
    private final int rateLimit;

    public WafStack(StackNames names, int rateLimit) {
        this.names = names;
        this.rateLimit = rateLimit;
    }

    public StackSpec build() {
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " WAF for CloudFront (us-east-1): rate limit "
                + rateLimit + " requests per 5 minutes per address, AWS managed rules");
        String metricPrefix = names.prefix().replace("-", "");
        List<Props> rules = new ArrayList<>();
        rules.add(props()
                .put("Name", "rate-limit-per-address")
                .put("Priority", 0)
                .put("Action", props().put("Block", props()))
                .put("Statement", props().put("RateBasedStatement", props()
                        .put("Limit", rateLimit)
                        .put("AggregateKeyType", "IP")
                        .put("EvaluationWindowSec", 300)))
                .put("VisibilityConfig", visibility(metricPrefix + "RateLimit")));
        for (int i = 0; i < MANAGED_RULE_GROUPS.size(); i++) {
            String group = MANAGED_RULE_GROUPS.get(i);
            rules.add(props()
                    .put("Name", group)
                    .put("Priority", i + 1)
                    .put("OverrideAction", props().put("None", props()))
                    .put("Statement", props().put("ManagedRuleGroupStatement", props()
                            .put("VendorName", "AWS")
                            .put("Name", group)))
                    .put("VisibilityConfig", visibility(metricPrefix + group.replace("AWSManagedRules", ""))));
        }
        CfnResource acl = t.add(CfnResource.of("WebAcl", "AWS::WAFv2::WebACL", props()
                .put("Name", names.resource("cloudfront", 128))
                .put("Description", names.prefix() + " CloudFront WAF")
                .put("Scope", "CLOUDFRONT")
                .put("DefaultAction", props().put("Allow", props()))
                .put("Rules", rules)
                .put("VisibilityConfig", visibility(metricPrefix + "WebAcl"))));
        t.output(WEB_ACL_ARN, "ARN of the web ACL, for the CloudFront distribution", acl.att("Arn"));
        // Every request the web ACL inspects, for tierlift logs --role waf; kept as long as the app's logs.
        CfnResource logs = t.add(CfnResource.of("WafLogGroup", "AWS::Logs::LogGroup", props()
                .put("LogGroupName", names.wafLogGroup())
                .put("RetentionInDays", LOG_RETENTION_DAYS))
                .onDeleteAndReplace("Delete"));
        t.add(CfnResource.of("WafLogging", "AWS::WAFv2::LoggingConfiguration", props()
                .put("ResourceArn", acl.att("Arn"))
                // The group's own ARN without the ":*" its Arn attribute ends with, which WAF does not take.
                .put("LogDestinationConfigs", List.of(Fn.sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${"
                        + logs.logicalId() + "}")))));
        return new StackSpec(KEY, names.stack(KEY), REGION, t.build(), Map.of(), List.of());
    }

    private static Props visibility(String metricName) {
        return props()
                .put("SampledRequestsEnabled", true)
                .put("CloudWatchMetricsEnabled", true)
                .put("MetricName", metricName);
    }
}
