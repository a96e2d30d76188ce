package io.tierlift.tier;

import java.time.Duration;

/** {@code waf report}: the requests blocked within {@code since} before now. */
public record WafReportRequest(Duration since) {
}
