package io.tierlift.render.onprem.app;

import java.util.List;

/** View model of the API's systemd unit; {@code execStart} is {@link AppServiceCommand#argv()}. */
public record ApiUnit(String app, String user, String group, List<String> execStart, String runtimeDirectory,
                      String logsDirectory, String logDir, long stopTimeoutSeconds) {
    public ApiUnit {
        execStart = List.copyOf(execStart);
    }
}
