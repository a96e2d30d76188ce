package io.tierlift.aws.iaas;

import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.Instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Auto Scaling groups in memory, as DescribeAutoScalingGroups reports them. */
final class FakeAutoScaling implements AutoScalingClient {
    final Map<String, AutoScalingGroup> groups = new LinkedHashMap<>();

    /** {@code instances} as "LifecycleState/HealthStatus", e.g. "InService/Healthy". */
    void group(String name, int min, int max, int desired, String... instances) {
        List<Instance> list = new ArrayList<>();
        for (int i = 0; i < instances.length; i++) {
            String[] parts = instances[i].split("/");
            list.add(Instance.builder().instanceId("i-" + i).lifecycleState(parts[0]).healthStatus(parts[1]).build());
        }
        groups.put(name, AutoScalingGroup.builder().autoScalingGroupName(name).minSize(min).maxSize(max)
                .desiredCapacity(desired).instances(list).build());
    }

    @Override
    public DescribeAutoScalingGroupsResponse describeAutoScalingGroups(DescribeAutoScalingGroupsRequest request) {
        return DescribeAutoScalingGroupsResponse.builder().autoScalingGroups(request.autoScalingGroupNames().stream()
                .filter(groups::containsKey).map(groups::get).toList()).build();
    }

    @Override
    public String serviceName() {
        return "autoscaling";
    }

    @Override
    public void close() {
    }
}
