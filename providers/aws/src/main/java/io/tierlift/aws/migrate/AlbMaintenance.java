package io.tierlift.aws.migrate;

import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.FixedResponseActionConfig;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;

import java.util.List;

/**
 * Puts the aws-iaas tier in maintenance: a rule of priority 1 on every listener of the app's ALB
 * answers each request with 503 and a short page; removing the rule ends it. Both directions are
 * safe to repeat: an existing maintenance rule is kept, a missing one is not an error.
 */
public final class AlbMaintenance {
    /** The compute stack's output naming the ALB (ComputeStack in the renderer). */
    static final String ALB_DNS_NAME = "AlbDnsName";
    static final String PRIORITY = "1";
    static final String PAGE = "<!doctype html><title>Maintenance</title><h1>Down for maintenance</h1>"
            + "<p>The service is being moved and will be back in a few minutes.</p>";

    private final CloudFormationClient cfn;
    private final ElasticLoadBalancingV2Client elb;

    public AlbMaintenance(CloudFormationClient cfn, ElasticLoadBalancingV2Client elb) {
        this.cfn = cfn;
        this.elb = elb;
    }

    /** Turns maintenance on or off on every listener; returns how many listeners it changed. */
    public int set(String computeStackName, boolean on) {
        String dns = StackOutputs.read(cfn, computeStackName).get(ALB_DNS_NAME);
        LoadBalancer alb = elb.describeLoadBalancers().loadBalancers().stream()
                .filter(lb -> dns.equalsIgnoreCase(lb.dnsName())).findFirst()
                .orElseThrow(() -> new AwsMigrationException("no load balancer answers to " + dns + " (output of " + computeStackName + ")"));
        List<Listener> listeners = elb.describeListeners(r -> r.loadBalancerArn(alb.loadBalancerArn())).listeners();
        if (listeners.isEmpty()) {
            throw new AwsMigrationException("load balancer " + alb.loadBalancerName() + " has no listener to put in maintenance");
        }
        int changed = 0;
        for (Listener listener : listeners) {
            List<Rule> ours = elb.describeRules(r -> r.listenerArn(listener.listenerArn())).rules().stream()
                    .filter(rule -> PRIORITY.equals(rule.priority()) && isMaintenance(rule)).toList();
            if (on && ours.isEmpty()) {
                elb.createRule(r -> r.listenerArn(listener.listenerArn()).priority(Integer.parseInt(PRIORITY))
                        .conditions(RuleCondition.builder().field("path-pattern").values("/*").build())
                        .actions(Action.builder().type(ActionTypeEnum.FIXED_RESPONSE).fixedResponseConfig(
                                FixedResponseActionConfig.builder().statusCode("503").contentType("text/html").messageBody(PAGE).build()).build()));
                changed++;
            } else if (!on) {
                for (Rule rule : ours) {
                    elb.deleteRule(r -> r.ruleArn(rule.ruleArn()));
                    changed++;
                }
            }
        }
        return changed;
    }

    /** True while the maintenance rule is on some listener of the ALB. */
    public boolean isOn(String computeStackName) {
        String dns = StackOutputs.read(cfn, computeStackName).get(ALB_DNS_NAME);
        return elb.describeLoadBalancers().loadBalancers().stream().filter(lb -> dns.equalsIgnoreCase(lb.dnsName()))
                .flatMap(lb -> elb.describeListeners(r -> r.loadBalancerArn(lb.loadBalancerArn())).listeners().stream())
                .flatMap(l -> elb.describeRules(r -> r.listenerArn(l.listenerArn())).rules().stream())
                .anyMatch(rule -> PRIORITY.equals(rule.priority()) && isMaintenance(rule));
    }

    private static boolean isMaintenance(Rule rule) {
        return rule.actions().stream().anyMatch(a -> a.type() == ActionTypeEnum.FIXED_RESPONSE && a.fixedResponseConfig() != null
                && "503".equals(a.fixedResponseConfig().statusCode()));
    }
}
