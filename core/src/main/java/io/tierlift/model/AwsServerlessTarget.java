package io.tierlift.model;

import java.util.Optional;

/** The aws-serverless tier: CloudFront + S3, API Gateway HTTP API, Lambda, Aurora Serverless v2. */
public record AwsServerlessTarget(String region, Cidr vpcCidr, LambdaSettings lambda, AuroraSettings database,
                                  Optional<String> cloudfrontCertificateArn, Optional<String> domain,
                                  int wafRateLimit, int apiThrottleRate, int apiThrottleBurst) {
}
