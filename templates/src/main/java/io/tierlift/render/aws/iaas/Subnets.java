package io.tierlift.render.aws.iaas;

import com.fasterxml.jackson.databind.JsonNode;
import io.tierlift.model.Cidr;
import io.tierlift.render.aws.cfn.CfnResource;
import io.tierlift.render.aws.cfn.CfnTemplate;
import io.tierlift.render.aws.cfn.Fn;

import java.util.ArrayList;
import java.util.List;

import static io.tierlift.render.aws.cfn.Props.props;

/**
 * The subnets of one tier of a VPC (public, app, database, function), one per availability zone,
 * laid out and named the same way in both AWS tiers' networks.
 */
public final class Subnets {
    private Subnets() {
    }

    /** Adds a subnet per block to {@code t}: logical ids {@code <tier>SubnetA, B...}, zones in order. */
    public static List<CfnResource> add(CfnTemplate.Builder t, StackNames names, String tier, List<Cidr> cidrs, CfnResource vpc) {
        List<CfnResource> subnets = new ArrayList<>();
        for (int i = 0; i < cidrs.size(); i++) {
            String zone = SubnetLayout.zone(i);
            subnets.add(t.add(CfnResource.of(tier + "Subnet" + zone, "AWS::EC2::Subnet", props()
                    .put("VpcId", vpc.ref())
                    .put("CidrBlock", cidrs.get(i).toString())
                    .put("AvailabilityZone", Fn.select(i, Fn.getAzs()))
                    // Nothing launched in a subnet needs its own public address: the ALB and NAT
                    // gateways get theirs from AWS, functions and databases have none.
                    .put("MapPublicIpOnLaunch", false)
                    .put("Tags", nameTag(names.resource(tier.toLowerCase() + "-" + zone.toLowerCase()))))));
        }
        return subnets;
    }

    /** The subnets' ids as one comma-separated value, as stack outputs carry lists. */
    public static JsonNode joinedIds(List<CfnResource> subnets) {
        return Fn.join(",", subnets.stream().map(CfnResource::ref).toList());
    }

    /** The Name tag, so the console shows what each network piece is; other tags come from the stack. */
    public static List<Object> nameTag(String name) {
        return List.of(props().put("Key", "Name").put("Value", name));
    }
}
