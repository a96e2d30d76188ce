package io.tierlift.aws.serverless;

/** An aws-serverless operation that could not be done, with a message meant for the operator. */
public final class ServerlessDeployException extends RuntimeException {
    public ServerlessDeployException(String message) {
        super(message);
    }
}
