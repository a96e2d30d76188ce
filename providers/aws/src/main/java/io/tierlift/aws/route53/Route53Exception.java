package io.tierlift.aws.route53;

/** The record can't be switched as asked; the message says why and what to do. */
public final class Route53Exception extends RuntimeException {
    public Route53Exception(String message) {
        super(message);
    }
}
