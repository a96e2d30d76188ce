package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Props;

import java.util.List;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The three security groups, least privilege, each opening one port to one source:
 * CloudFront's origin-facing prefix list → ALB on its listener port; ALB → app on the Gunicorn
 * port; app → database on the PostgreSQL port. They live in the network stack so no stack needs
 * a group defined in a later one.
 *
 * <p>Removing AWS's default allow-all egress takes an inline egress rule; groups that must send
 * nothing of their own get a rule to 127.0.0.1/32 (which matches no real traffic), the documented
 * way to end up with no effective egress. Rules between groups are separate resources so the
 * groups don't reference each other in a cycle.
 */
final class SecurityGroups {
    static final String ALB = "AlbSecurityGroup";
    static final String APP = "AppSecurityGroup";
    static final String DB = "DbSecurityGroup";

    /** Ports the rules open. */
    record Ports(int listener, int backend, int database) {
    }

    private final StackNames names;
    private final Ports ports;

    SecurityGroups(StackNames names, Ports ports) {
        this.names = names;
        this.ports = ports;
    }

    void addTo(CfnTemplate.Builder template, JsonNode vpcId, JsonNode cloudFrontPrefixList) {
        CfnResource alb = template.add(group(ALB, "load balancer: HTTP(S) from CloudFront only", vpcId,
                List.of(props().put("IpProtocol", "tcp").put("FromPort", ports.listener()).put("ToPort", ports.listener())
                        .put("SourcePrefixListId", cloudFrontPrefixList)
                        .put("Description", "CloudFront origin-facing servers")),
                List.of(noEgress())));
        CfnResource app = template.add(group(APP, "app instances: Gunicorn from the load balancer only", vpcId,
                List.of(props().put("IpProtocol", "tcp").put("FromPort", ports.backend()).put("ToPort", ports.backend())
                        .put("SourceSecurityGroupId", alb.ref())
                        .put("Description", "load balancer to Gunicorn")),
                List.of(props().put("IpProtocol", "tcp").put("FromPort", 443).put("ToPort", 443).put("CidrIp", "0.0.0.0/0")
                        .put("Description", "HTTPS to AWS APIs, package repositories and PyPI"))));
        CfnResource db = template.add(group(DB, "database: PostgreSQL from the app instances only", vpcId,
                List.of(props().put("IpProtocol", "tcp").put("FromPort", ports.database()).put("ToPort", ports.database())
                        .put("SourceSecurityGroupId", app.ref())
                        .put("Description", "app instances to PostgreSQL")),
                List.of(noEgress())));
        template.add(CfnResource.of("AlbToAppEgress", "AWS::EC2::SecurityGroupEgress", props()
                .put("GroupId", alb.att("GroupId"))
                .put("IpProtocol", "tcp").put("FromPort", ports.backend()).put("ToPort", ports.backend())
                .put("DestinationSecurityGroupId", app.att("GroupId"))
                .put("Description", "load balancer to Gunicorn")));
        template.add(CfnResource.of("AppToDbEgress", "AWS::EC2::SecurityGroupEgress", props()
                .put("GroupId", app.att("GroupId"))
                .put("IpProtocol", "tcp").put("FromPort", ports.database()).put("ToPort", ports.database())
                .put("DestinationSecurityGroupId", db.att("GroupId"))
                .put("Description", "app instances to PostgreSQL")));
    }

    private CfnResource group(String logicalId, String purpose, JsonNode vpcId, List<Props> ingress, List<Props> egress) {
        return CfnResource.of(logicalId, "AWS::EC2::SecurityGroup", props()
                .put("GroupDescription", names.prefix() + " " + purpose)
                .put("VpcId", vpcId)
                .put("SecurityGroupIngress", ingress)
                .put("SecurityGroupEgress", egress)
                .put("Tags", Subnets.nameTag(names.resource(logicalId.replace("SecurityGroup", "").toLowerCase()))));
    }

    private static Props noEgress() {
        return props().put("IpProtocol", "-1").put("CidrIp", "127.0.0.1/32")
                .put("Description", "no egress: replaces the default allow-all rule");
    }
}
