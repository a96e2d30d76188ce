package io.tierlift.logs;

import java.util.Locale;

/** The parts of a deployment whose logs {@code logs --role} selects. */
public enum LogRole {
    /** Gunicorn and the app (on AWS: the instances' app logs, the function). */
    APP,
    /** ModSecurity and the nginx that runs it (on AWS: the WAF's logs, where there are any). */
    WAF,
    /** The nginx reverse proxies and static servers (on AWS: the API's access log). */
    PROXY,
    /** PostgreSQL. */
    DB;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
