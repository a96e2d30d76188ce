package io.tierlift.render.onprem.firewall;

/** Why a connection is allowed; {@link #key()} is a word safe for nftables comments and diagrams. */
public enum FlowPurpose {
    CLIENT_HTTP("client-http", "clients reach the site (redirected to HTTPS)"),
    CLIENT_HTTPS("client-https", "clients reach the site over HTTPS"),
    WAF_TO_PROXY("waf-to-proxy", "the WAF forwards inspected requests to the proxy"),
    PROXY_TO_STATIC("proxy-to-static", "the proxy fetches the React build from the static server"),
    PROXY_TO_APP("proxy-to-app", "the proxy balances API requests over the app hosts"),
    APP_TO_PRIMARY("app-to-primary", "the app reads and writes the primary database"),
    APP_TO_STANDBY("app-to-standby", "the app reads from the standby (DATABASE_READ_URL)"),
    REPLICATION("replication", "the standby streams WAL from the primary"),
    REVERSE_REPLICATION("replication-after-failover", "the old primary streams from the standby once they swap roles"),
    WAL_ARCHIVE("wal-archive", "the database hosts push WAL to the backup repository (pgBackRest TLS)"),
    BACKUP("backup", "the backup host copies the database files (pgBackRest TLS)");

    private final String key;
    private final String description;

    FlowPurpose(String key, String description) {
        this.key = key;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String description() {
        return description;
    }
}
