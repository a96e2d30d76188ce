package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AwsIaasTarget;
import io.tierlift.model.NatMode;
import io.tierlift.render.aws.ParameterSource;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnParameter;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The VPC across two availability zones of the region: public subnets (ALB, NAT gateways) routed
 * to an internet gateway; private app subnets routed to a NAT gateway (one shared, or one per zone
 * so an AZ outage doesn't cut the other zone off); private database subnets with no route out.
 * An S3 gateway endpoint keeps artifact downloads off the NAT gateways (and their per-GB fee).
 * The security groups live here too, see {@link SecurityGroups}.
 */
final class NetworkStack {
    static final String KEY = "network";
    static final String VPC_ID = "VpcId";
    static final String PUBLIC_SUBNET_IDS = "PublicSubnetIds";
    static final String APP_SUBNET_IDS = "AppSubnetIds";
    static final String DB_SUBNET_IDS = "DbSubnetIds";
    static final String ALB_SECURITY_GROUP_ID = "AlbSecurityGroupId";
    static final String APP_SECURITY_GROUP_ID = "AppSecurityGroupId";
    static final String DB_SECURITY_GROUP_ID = "DbSecurityGroupId";
    static final String PREFIX_LIST_PARAMETER = "CloudFrontPrefixListId";

    private final StackNames names;
    private final AwsIaasTarget target;
    private final SubnetLayout layout;
    private final SecurityGroups securityGroups;

    NetworkStack(StackNames names, AwsIaasTarget target, SecurityGroups securityGroups) {
        this.names = names;
        this.target = target;
        this.layout = SubnetLayout.carve(target.vpcCidr());
        this.securityGroups = securityGroups;
    }

    StackSpec build() {
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " network: VPC " + target.vpcCidr()
                + " over two availability zones, NAT " + target.nat().key() + ", security groups");
        JsonNode prefixList = t.parameter(PREFIX_LIST_PARAMETER, CfnParameter.string(
                        "Id of the AWS-managed prefix list com.amazonaws.global.cloudfront.origin-facing in this region "
                                + "(it differs per region; the deployer looks it up)")
                .withPattern("^pl-[0-9a-f]{8,17}$", "a prefix list id such as pl-4fa04526"));

        CfnResource vpc = t.add(CfnResource.of("Vpc", "AWS::EC2::VPC", props()
                .put("CidrBlock", target.vpcCidr().toString())
                .put("EnableDnsSupport", true)
                .put("EnableDnsHostnames", true)
                .put("Tags", Subnets.nameTag(names.resource("vpc")))));
        CfnResource igw = t.add(CfnResource.of("InternetGateway", "AWS::EC2::InternetGateway", props()
                .put("Tags", Subnets.nameTag(names.resource("igw")))));
        CfnResource attachment = t.add(CfnResource.of("InternetGatewayAttachment", "AWS::EC2::VPCGatewayAttachment", props()
                .put("VpcId", vpc.ref())
                .put("InternetGatewayId", igw.ref())));

        List<CfnResource> publicSubnets = Subnets.add(t, names, "Public", layout.publicSubnets(), vpc);
        List<CfnResource> appSubnets = Subnets.add(t, names, "App", layout.appSubnets(), vpc);
        List<CfnResource> dbSubnets = Subnets.add(t, names, "Db", layout.dbSubnets(), vpc);

        CfnResource publicRoutes = t.add(routeTable("PublicRouteTable", vpc, names.resource("public")));
        // The route names the gateway, not the attachment, so the dependency has to be spelled out.
        t.add(CfnResource.of("PublicDefaultRoute", "AWS::EC2::Route", props()
                .put("RouteTableId", publicRoutes.ref())
                .put("DestinationCidrBlock", "0.0.0.0/0")
                .put("GatewayId", igw.ref())).dependingOn(attachment.logicalId()));
        associate(t, publicSubnets, List.of(publicRoutes, publicRoutes));

        int natCount = target.nat() == NatMode.PER_AZ ? SubnetLayout.ZONES : 1;
        List<CfnResource> natGateways = new ArrayList<>();
        for (int i = 0; i < natCount; i++) {
            String zone = SubnetLayout.zone(i);
            CfnResource eip = t.add(CfnResource.of("NatEip" + zone, "AWS::EC2::EIP", props()
                    .put("Domain", "vpc")
                    .put("Tags", Subnets.nameTag(names.resource("nat-" + zone.toLowerCase())))).dependingOn(attachment.logicalId()));
            natGateways.add(t.add(CfnResource.of("NatGateway" + zone, "AWS::EC2::NatGateway", props()
                    .put("AllocationId", eip.att("AllocationId"))
                    .put("SubnetId", publicSubnets.get(i).ref())
                    .put("Tags", Subnets.nameTag(names.resource("nat-" + zone.toLowerCase()))))));
        }
        // One app route table per zone in both modes, so switching NAT modes only changes routes.
        List<CfnResource> appRoutes = new ArrayList<>();
        for (int i = 0; i < SubnetLayout.ZONES; i++) {
            String zone = SubnetLayout.zone(i);
            CfnResource table = t.add(routeTable("AppRouteTable" + zone, vpc, names.resource("app-" + zone.toLowerCase())));
            t.add(CfnResource.of("AppDefaultRoute" + zone, "AWS::EC2::Route", props()
                    .put("RouteTableId", table.ref())
                    .put("DestinationCidrBlock", "0.0.0.0/0")
                    .put("NatGatewayId", natGateways.get(Math.min(i, natGateways.size() - 1)).ref())));
            appRoutes.add(table);
        }
        associate(t, appSubnets, appRoutes);
        CfnResource dbRoutes = t.add(routeTable("DbRouteTable", vpc, names.resource("db")));
        associate(t, dbSubnets, List.of(dbRoutes, dbRoutes));

        t.add(CfnResource.of("S3GatewayEndpoint", "AWS::EC2::VPCEndpoint", props()
                .put("VpcId", vpc.ref())
                .put("VpcEndpointType", "Gateway")
                .put("ServiceName", Fn.sub("com.amazonaws.${AWS::Region}.s3"))
                .put("RouteTableIds", appRoutes.stream().map(CfnResource::ref).toList())));

        securityGroups.addTo(t, vpc.ref(), prefixList);

        t.output(VPC_ID, "The VPC", vpc.ref());
        t.output(PUBLIC_SUBNET_IDS, "Public subnets (load balancer), comma-separated", Subnets.joinedIds(publicSubnets));
        t.output(APP_SUBNET_IDS, "Private app subnets (instances), comma-separated", Subnets.joinedIds(appSubnets));
        t.output(DB_SUBNET_IDS, "Private database subnets, comma-separated", Subnets.joinedIds(dbSubnets));
        t.output(ALB_SECURITY_GROUP_ID, "Security group of the load balancer", Fn.getAtt(SecurityGroups.ALB, "GroupId"));
        t.output(APP_SECURITY_GROUP_ID, "Security group of the app instances", Fn.getAtt(SecurityGroups.APP, "GroupId"));
        t.output(DB_SECURITY_GROUP_ID, "Security group of the database", Fn.getAtt(SecurityGroups.DB, "GroupId"));

        return new StackSpec(KEY, names.stack(KEY), target.region(), t.build(),
                Map.of(PREFIX_LIST_PARAMETER, new ParameterSource.DeployTime("cloudfront-prefix-list-id",
                        "ec2:DescribeManagedPrefixLists with prefix-list-name com.amazonaws.global.cloudfront.origin-facing in "
                                + target.region())),
                List.of());
    }

    private static CfnResource routeTable(String logicalId, CfnResource vpc, String name) {
        return CfnResource.of(logicalId, "AWS::EC2::RouteTable", props()
                .put("VpcId", vpc.ref())
                .put("Tags", Subnets.nameTag(name)));
    }

    private static void associate(CfnTemplate.Builder t, List<CfnResource> subnets, List<CfnResource> tables) {
        for (int i = 0; i < subnets.size(); i++) {
            t.add(CfnResource.of(subnets.get(i).logicalId() + "Routes", "AWS::EC2::SubnetRouteTableAssociation", props()
                    .put("SubnetId", subnets.get(i).ref())
                    .put("RouteTableId", tables.get(i).ref())));
        }
    }
}
