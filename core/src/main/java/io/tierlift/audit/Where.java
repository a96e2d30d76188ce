package io.tierlift.audit;

/**
 * Where a finding is: a rendered file (with its host for on-prem, and a line when one line is to
 * blame) or a CloudFormation stack and resource. Empty strings and line 0 mean "not applicable".
 */
public record Where(String host, String file, int line, String stack, String resource) {
    public static Where file(String host, String file, int line) {
        return new Where(host, file, line, "", "");
    }

    public static Where host(String host) {
        return new Where(host, "", 0, "", "");
    }

    public static Where resource(String stack, String resource) {
        return new Where("", "", 0, stack, resource);
    }

    public static Where descriptor(String keyPath) {
        return new Where("", "descriptor: " + keyPath, 0, "", "");
    }

    @Override
    public String toString() {
        if (!stack.isEmpty()) {
            return "stack " + stack + (resource.isEmpty() ? "" : " / " + resource);
        }
        StringBuilder text = new StringBuilder();
        if (!host.isEmpty()) {
            text.append(host);
        }
        if (!file.isEmpty()) {
            text.append(text.length() > 0 ? ":" : "").append(file);
        }
        if (line > 0) {
            text.append(':').append(line);
        }
        return text.toString();
    }
}
