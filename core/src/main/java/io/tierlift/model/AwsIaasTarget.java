package io.tierlift.model;

import java.util.Optional;

/** The aws-iaas tier: CloudFront + S3 + WAF, ALB, ASG of EC2, RDS Multi-AZ in one VPC. */
public record AwsIaasTarget(String region, Cidr vpcCidr, NatMode nat, String instanceType, Scaling scaling,
                            RdsSettings database, Optional<String> certificateArn, Optional<String> originDomain,
                            Optional<String> cloudfrontCertificateArn, Optional<String> domain,
                            boolean allowHttp, int wafRateLimit) {
}
