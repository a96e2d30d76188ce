package io.tierlift.onprem.deploy;

import java.util.List;

/** One host as `status onprem` shows it; {@code healthy} is false when a service it should run is not. */
public record HostStatus(String host, List<String> roles, List<String> facts, boolean healthy) {
}
