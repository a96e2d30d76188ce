package io.tierlift.aws.tier;

import io.tierlift.aws.StackSetException;
import io.tierlift.aws.client.AwsCallException;
import io.tierlift.aws.cloudformation.StackDeployException;
import io.tierlift.aws.iaas.IaasDeployException;
import io.tierlift.aws.migrate.AwsMigrationException;
import io.tierlift.aws.restore.RestoreException;
import io.tierlift.aws.s3.S3SyncException;
import io.tierlift.aws.serverless.ServerlessDeployException;
import io.tierlift.aws.serverless.migrate.MaintenanceSwitchException;
import io.tierlift.release.ReleaseException;
import io.tierlift.tier.TierFailure;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.function.Supplier;

/** AWS failures as the operator reads them: the provider's own messages, or the SDK's behind "AWS call failed". */
final class AwsFailures {
    private AwsFailures() {
    }

    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** The operator's failure for an AWS exception; any other exception unchanged. */
    static RuntimeException translate(RuntimeException e) {
        if (e instanceof IaasDeployException || e instanceof ServerlessDeployException || e instanceof StackSetException
                || e instanceof StackDeployException || e instanceof AwsCallException || e instanceof S3SyncException
                || e instanceof ReleaseException || e instanceof MaintenanceSwitchException || e instanceof AwsMigrationException
                || e instanceof RestoreException) {
            return new TierFailure(e.getMessage(), e);
        }
        if (e instanceof SdkException) {
            return new TierFailure("AWS call failed: " + e.getMessage(), e);
        }
        return e;
    }

    static void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }
}
