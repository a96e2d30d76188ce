package io.tierlift.model;

import java.util.Optional;

public record Targets(Optional<OnpremTarget> onprem, Optional<AwsIaasTarget> awsIaas,
                      Optional<AwsServerlessTarget> awsServerless) {
}
