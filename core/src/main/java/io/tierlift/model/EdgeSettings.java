package io.tierlift.model;

/** Listener ports and request limits of the nginx edge (WAF / proxy). */
public record EdgeSettings(int httpPort, int httpsPort, int staticPort, String maxBodySize,
                           int rateLimitPerSecond, int rateLimitBurst) {
}
