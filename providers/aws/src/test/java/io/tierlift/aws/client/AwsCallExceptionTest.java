package io.tierlift.aws.client;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import static org.assertj.core.api.Assertions.assertThat;

class AwsCallExceptionTest {

    @Test
    void serviceErrorReadsServiceOperationAttemptsCodeAndMessage() {
        AwsServiceException cause = AwsServiceException.builder()
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Throttling").errorMessage("Rate exceeded").build())
                .numAttempts(8)
                .build();

        AwsCallException e = AwsCallException.of("CloudFormation", "DescribeStacks", cause);

        assertThat(e).hasMessage("CloudFormation DescribeStacks failed after 8 attempts: Throttling: Rate exceeded");
        assertThat(e.hasCode("Throttling")).isTrue();
        assertThat(e.statusCode()).isEqualTo(400);
    }

    @Test
    void singleAttemptAndNetworkFailuresStayReadable() {
        SdkClientException cause = SdkClientException.builder()
                .message("Unable to execute HTTP request: Connection refused\nmore detail").numAttempts(1).build();

        AwsCallException e = AwsCallException.of("S3", "PutObject", cause);

        assertThat(e).hasMessage("S3 PutObject failed: Unable to execute HTTP request: Connection refused");
        assertThat(e.errorCode()).isEmpty();
    }
}
