package io.tierlift.aws.iaas;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeManagedPrefixListsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeManagedPrefixListsResponse;
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ec2PrefixListLookupTest {
    /** Answers DescribeManagedPrefixLists with the given lists and keeps the requests. */
    private static final class FakeEc2 implements Ec2Client {
        final List<DescribeManagedPrefixListsRequest> requests = new ArrayList<>();
        final List<ManagedPrefixList> lists;

        FakeEc2(List<ManagedPrefixList> lists) {
            this.lists = lists;
        }

        @Override
        public DescribeManagedPrefixListsResponse describeManagedPrefixLists(DescribeManagedPrefixListsRequest request) {
            requests.add(request);
            return DescribeManagedPrefixListsResponse.builder().prefixLists(lists).build();
        }

        @Override
        public String serviceName() {
            return "ec2";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void asksForTheCloudFrontOriginFacingListByNameInTheStacksRegion() {
        FakeEc2 ec2 = new FakeEc2(List.of(ManagedPrefixList.builder().prefixListId("pl-4fa04526")
                .prefixListName(PrefixListLookup.NAME).build()));
        List<String> regions = new ArrayList<>();

        String id = new Ec2PrefixListLookup(region -> {
            regions.add(region);
            return ec2;
        }).cloudFrontOriginFacing("eu-west-1");

        assertThat(id).isEqualTo("pl-4fa04526");
        assertThat(regions).containsExactly("eu-west-1");
        assertThat(ec2.requests).singleElement().satisfies(r -> assertThat(r.filters()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("prefix-list-name");
            assertThat(f.values()).containsExactly("com.amazonaws.global.cloudfront.origin-facing");
        }));
    }

    @Test
    void noListIsAnErrorNamingTheRegionAndTheList() {
        FakeEc2 ec2 = new FakeEc2(List.of());
        assertThatThrownBy(() -> new Ec2PrefixListLookup(region -> ec2).cloudFrontOriginFacing("ap-south-2"))
                .isInstanceOf(IaasDeployException.class)
                .hasMessageContaining("ap-south-2")
                .hasMessageContaining(PrefixListLookup.NAME);
    }
}
