package io.tierlift.migrate;

import io.tierlift.database.DbEndpoint;

/** Opens connections to the migration's two servers, each labelled with where it goes for the messages that name it. */
final class Servers {
    private final MigrationSettings settings;
    private final Connections connections;

    Servers(MigrationSettings settings, Connections connections) {
        this.settings = settings;
        this.connections = connections;
    }

    Sql source() {
        return source("source");
    }

    Sql target() {
        return target("target");
    }

    Sql source(String label) {
        return open(settings.source(), label);
    }

    Sql target(String label) {
        return open(settings.target(), label);
    }

    private Sql open(DbEndpoint endpoint, String label) {
        return new Sql(connections.open(endpoint), label + " " + endpoint.host() + ":" + endpoint.port() + "/" + endpoint.database(),
                connections.redactor());
    }
}
