package io.tierlift.audit.aws;

import com.fasterxml.jackson.databind.JsonNode;

/** Port ranges of a security group rule. */
final class Ports {
    private Ports() {
    }

    static boolean covers(JsonNode rule, int port) {
        if (rule.path("IpProtocol").asText("").equals("-1")) {
            return true;
        }
        int from = rule.path("FromPort").asInt(-1);
        int to = rule.path("ToPort").asInt(from);
        return from == -1 || (from <= port && port <= to);
    }

    static String describe(JsonNode rule) {
        String protocol = rule.path("IpProtocol").asText("?");
        if (protocol.equals("-1")) {
            return "all ports";
        }
        int from = rule.path("FromPort").asInt(-1);
        int to = rule.path("ToPort").asInt(from);
        return protocol + " " + (from == to ? String.valueOf(from) : from + "-" + to);
    }
}
