package io.tierlift.render.aws.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.AwsServerlessTarget;
import io.tierlift.model.Cidr;
import io.tierlift.render.aws.StackSpec;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;
import io.tierlift.render.aws.cfn.Props;
import io.tierlift.render.aws.iaas.StackNames;
import io.tierlift.render.aws.iaas.Subnets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * A small VPC with private subnets only, in two availability zones: the function's subnets and the
 * database subnets (Aurora and, unless the database pauses, its RDS Proxy; see {@link DatabasePath}).
 * There is no internet gateway and no NAT gateway: the function talks to the proxy (or the
 * cluster) and, through an interface endpoint, to Secrets Manager, and to nothing else. CloudWatch Logs needs no endpoint (Lambda ships logs itself), nor does S3 (Lambda
 * fetches the code from the artifact bucket outside the VPC), so there is no S3 gateway endpoint.
 *
 * <p>Security groups, each opening one port to one source: function → proxy on 5432, function →
 * Secrets Manager endpoint on 443, proxy → Aurora on the database port (without a proxy: function →
 * Aurora on the database port). The function accepts no
 * inbound traffic (Lambda is invoked, not connected to).
 */
final class ServerlessNetworkStack {
    static final String KEY = "network";
    static final String VPC_ID = "VpcId";
    static final String FUNCTION_SUBNET_IDS = "FunctionSubnetIds";
    static final String DB_SUBNET_IDS = "DbSubnetIds";
    static final String FUNCTION_SECURITY_GROUP_ID = "FunctionSecurityGroupId";
    static final String PROXY_SECURITY_GROUP_ID = "ProxySecurityGroupId";
    static final String DB_SECURITY_GROUP_ID = "DbSecurityGroupId";
    static final String FUNCTION_GROUP = "FunctionSecurityGroup";
    static final String ENDPOINT_GROUP = "SecretsEndpointSecurityGroup";
    static final String PROXY_GROUP = "ProxySecurityGroup";
    static final String DB_GROUP = "DbSecurityGroup";
    private static final int HTTPS = 443;
    static final int ZONES = 2;
    /** Four equal blocks: function A, function B, database A, database B. */
    private static final int SPLIT_BITS = 2;

    private final StackNames names;
    private final AwsServerlessTarget target;
    private final int databasePort;
    private final DatabasePath path;

    ServerlessNetworkStack(StackNames names, AwsServerlessTarget target, int databasePort) {
        this.names = names;
        this.target = target;
        this.databasePort = databasePort;
        this.path = DatabasePath.of(target);
    }

    /** The subnets: function subnets first, then database subnets, one per zone each. */
    static List<Cidr> subnets(Cidr vpc) {
        int prefix = vpc.prefix() + SPLIT_BITS;
        return List.of(vpc.subnet(prefix, 0), vpc.subnet(prefix, 1), vpc.subnet(prefix, 2), vpc.subnet(prefix, 3));
    }

    StackSpec build() {
        Cidr cidr = target.vpcCidr();
        List<Cidr> blocks = subnets(cidr);
        CfnTemplate.Builder t = CfnTemplate.builder(names.prefix() + " network: VPC " + cidr
                + " with private subnets in two availability zones, no internet access, Secrets Manager endpoint, security groups");
        CfnResource vpc = t.add(CfnResource.of("Vpc", "AWS::EC2::VPC", props()
                .put("CidrBlock", cidr.toString())
                // Private DNS of the interface endpoint needs both.
                .put("EnableDnsSupport", true)
                .put("EnableDnsHostnames", true)
                .put("Tags", Subnets.nameTag(names.resource("vpc")))));
        List<CfnResource> functionSubnets = Subnets.add(t, names, "Function", blocks.subList(0, ZONES), vpc);
        List<CfnResource> dbSubnets = Subnets.add(t, names, "Db", blocks.subList(ZONES, 2 * ZONES), vpc);

        // An explicit table with only the local route, so a route added to the VPC's main table
        // later cannot open these subnets to the internet unnoticed.
        CfnResource routes = t.add(CfnResource.of("PrivateRouteTable", "AWS::EC2::RouteTable", props()
                .put("VpcId", vpc.ref())
                .put("Tags", Subnets.nameTag(names.resource("private")))));
        List<CfnResource> all = new ArrayList<>(functionSubnets);
        all.addAll(dbSubnets);
        for (CfnResource subnet : all) {
            t.add(CfnResource.of(subnet.logicalId() + "Routes", "AWS::EC2::SubnetRouteTableAssociation", props()
                    .put("SubnetId", subnet.ref())
                    .put("RouteTableId", routes.ref())));
        }

        addSecurityGroups(t, vpc.ref());

        t.add(CfnResource.of("SecretsManagerEndpoint", "AWS::EC2::VPCEndpoint", props()
                .put("VpcId", vpc.ref())
                .put("VpcEndpointType", "Interface")
                .put("ServiceName", Fn.sub("com.amazonaws.${AWS::Region}.secretsmanager"))
                .put("PrivateDnsEnabled", true)
                .put("SubnetIds", functionSubnets.stream().map(CfnResource::ref).toList())
                .put("SecurityGroupIds", List.of(Fn.getAtt(ENDPOINT_GROUP, "GroupId")))
                // The function only reads secrets, and only this account's: the endpoint allows no more,
                // so it cannot be used to copy data to another account's secrets.
                .put("PolicyDocument", props()
                        .put("Version", "2012-10-17")
                        .put("Statement", List.of(props()
                                .put("Sid", "ReadThisAccountsSecrets")
                                .put("Effect", "Allow")
                                .put("Principal", "*")
                                .put("Action", "secretsmanager:GetSecretValue")
                                .put("Resource", Fn.sub("arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*")))))));

        t.output(VPC_ID, "The VPC", vpc.ref());
        t.output(FUNCTION_SUBNET_IDS, "Private subnets of the function, comma-separated", Subnets.joinedIds(functionSubnets));
        t.output(DB_SUBNET_IDS, "Private subnets of the database and its proxy, comma-separated", Subnets.joinedIds(dbSubnets));
        t.output(FUNCTION_SECURITY_GROUP_ID, "Security group of the function", Fn.getAtt(FUNCTION_GROUP, "GroupId"));
        if (path == DatabasePath.PROXY) {
            t.output(PROXY_SECURITY_GROUP_ID, "Security group of the RDS Proxy", Fn.getAtt(PROXY_GROUP, "GroupId"));
        }
        t.output(DB_SECURITY_GROUP_ID, "Security group of the Aurora cluster", Fn.getAtt(DB_GROUP, "GroupId"));
        return new StackSpec(KEY, names.stack(KEY), target.region(), t.build(), Map.of(), List.of());
    }

    /**
     * Removing AWS's default allow-all egress takes an inline egress rule; groups that send nothing
     * of their own get one to 127.0.0.1/32, which matches no real traffic. Rules between groups that
     * would reference each other are separate resources, so there is no cycle.
     */
    private void addSecurityGroups(CfnTemplate.Builder t, JsonNode vpcId) {
        boolean proxied = path == DatabasePath.PROXY;
        CfnResource function = t.add(group(FUNCTION_GROUP, "function: no inbound; out to the "
                + (proxied ? "proxy" : "database") + " and Secrets Manager only", vpcId, List.of()));
        CfnResource endpoint = t.add(group(ENDPOINT_GROUP, "Secrets Manager endpoint: HTTPS from the function only", vpcId,
                List.of(ingress(HTTPS, function, "function to Secrets Manager"))));
        if (!proxied) {
            CfnResource db = t.add(group(DB_GROUP, "database: PostgreSQL from the function only", vpcId,
                    List.of(ingress(databasePort, function, "function to Aurora"))));
            t.add(egress("FunctionToDbEgress", function, db, databasePort, "function to Aurora"));
            t.add(egress("FunctionToSecretsEgress", function, endpoint, HTTPS, "function to Secrets Manager"));
            return;
        }
        int proxyPort = path.port(databasePort);
        CfnResource proxy = t.add(group(PROXY_GROUP, "RDS Proxy: PostgreSQL from the function only", vpcId,
                List.of(ingress(proxyPort, function, "function to the proxy"))));
        CfnResource db = t.add(group(DB_GROUP, "database: PostgreSQL from the proxy only", vpcId,
                List.of(ingress(databasePort, proxy, "proxy to Aurora"))));
        t.add(egress("FunctionToProxyEgress", function, proxy, proxyPort, "function to the proxy"));
        t.add(egress("FunctionToSecretsEgress", function, endpoint, HTTPS, "function to Secrets Manager"));
        t.add(egress("ProxyToDbEgress", proxy, db, databasePort, "proxy to Aurora"));
    }

    private CfnResource group(String logicalId, String purpose, JsonNode vpcId, List<Props> ingress) {
        Props properties = props()
                .put("GroupDescription", names.prefix() + " " + purpose)
                .put("VpcId", vpcId)
                .put("SecurityGroupEgress", List.of(props().put("IpProtocol", "-1").put("CidrIp", "127.0.0.1/32")
                        .put("Description", "no other egress: replaces the default allow-all rule")))
                .put("Tags", Subnets.nameTag(names.resource(logicalId.replace("SecurityGroup", "").toLowerCase())));
        if (!ingress.isEmpty()) {
            properties.put("SecurityGroupIngress", ingress);
        }
        return CfnResource.of(logicalId, "AWS::EC2::SecurityGroup", properties);
    }

    private static Props ingress(int port, CfnResource source, String description) {
        return props().put("IpProtocol", "tcp").put("FromPort", port).put("ToPort", port)
                .put("SourceSecurityGroupId", source.ref())
                .put("Description", description);
    }

    private static CfnResource egress(String logicalId, CfnResource from, CfnResource to, int port, String description) {
        return CfnResource.of(logicalId, "AWS::EC2::SecurityGroupEgress", props()
                .put("GroupId", from.att("GroupId"))
                .put("IpProtocol", "tcp").put("FromPort", port).put("ToPort", port)
                .put("DestinationSecurityGroupId", to.att("GroupId"))
                .put("Description", description));
    }
}
