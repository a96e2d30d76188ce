package io.tierlift.aws.iaas;

/** An aws-iaas operation that could not be done, with a message meant for the operator. */
public final class IaasDeployException extends RuntimeException {
    public IaasDeployException(String message) {
        super(message);
    }

    public IaasDeployException(String message, Throwable cause) {
        super(message, cause);
    }
}
