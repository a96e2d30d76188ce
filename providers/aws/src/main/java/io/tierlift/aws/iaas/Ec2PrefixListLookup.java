package io.tierlift.aws.iaas;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;

import java.util.List;
import java.util.function.Function;

/** Asks EC2 (DescribeManagedPrefixLists) for the prefix list; none found is an error that says where it looked. */
public final class Ec2PrefixListLookup implements PrefixListLookup {
    private final Function<String, Ec2Client> clients;

    public Ec2PrefixListLookup(Function<String, Ec2Client> clients) {
        this.clients = clients;
    }

    @Override
    public String cloudFrontOriginFacing(String region) {
        List<ManagedPrefixList> lists = clients.apply(region).describeManagedPrefixLists(b -> b
                .filters(f -> f.name("prefix-list-name").values(NAME))).prefixLists();
        return lists.stream().map(ManagedPrefixList::prefixListId).findFirst()
                .orElseThrow(() -> new IaasDeployException("EC2 in " + region + " has no managed prefix list named " + NAME
                        + "; the ALB security group needs it to accept CloudFront only"));
    }
}
