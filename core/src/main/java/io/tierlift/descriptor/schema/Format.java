package io.tierlift.descriptor.schema;

import io.tierlift.model.Cidr;
import io.tierlift.model.Ipv4;
import io.tierlift.secret.SecretRef;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * String formats. Each is deliberately narrow: a value that passes can be placed in an nginx,
 * PostgreSQL, Python or nftables file, or a command argument, without being able to add a
 * directive. {@code jsonPattern} is the same rule for editors (JSON Schema), where it can be
 * written as a regular expression.
 */
public enum Format {
    TEXT("free text on one line", "^[^\\n\\r\\x00]*$"),
    NAME("lower-case name: letters, digits and '-', starting with a letter, at most 31 characters",
            "^[a-z][a-z0-9-]{0,30}$"),
    PG_IDENTIFIER("PostgreSQL identifier: lower-case letters, digits and '_', starting with a letter or '_', at most 63 characters",
            "^[a-z_][a-z0-9_]{0,62}$"),
    ENV_NAME("environment variable name: upper-case letters, digits and '_'", "^[A-Z_][A-Z0-9_]{0,127}$"),
    IPV4("IPv4 address", null),
    HOST("IP address or host name", null),
    DOMAIN("DNS name", "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"),
    CIDR("IPv4 network in CIDR notation, e.g. 10.0.0.0/24", "^[0-9.]+/[0-9]{1,2}$"),
    RELATIVE_PATH("path relative to the descriptor's folder, without '..'",
            "^(?!/)(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/@+-]{1,255}$"),
    ABSOLUTE_PATH("absolute path on the host, without '..'",
            "^/(?!.*(^|/)\\.\\.(/|$))[A-Za-z0-9._/@+-]{0,254}$"),
    LOCAL_PATH("path on this machine (absolute, relative or ~/...)", "^[^\\n\\r\\x00]{1,4096}$"),
    URL_PATH("URL path starting with '/'", "^/[A-Za-z0-9._~/-]{0,200}$"),
    WSGI("WSGI entry point module:attribute or module:factory(), e.g. notes.app:app or shop:create_app()",
            "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*(\\(\\))?$"),
    PYTHON_VERSION("Python version, e.g. 3.11", "^3\\.[0-9]{1,2}$"),
    DEBIAN_PACKAGE("Debian package name: lower-case letters, digits, '+', '-' and '.', starting with a letter or digit",
            "^[a-z0-9][a-z0-9+.-]{1,62}$"),
    PYTHON_PROJECT("Python project name as in a requirements file: letters, digits, '-', '_' and '.'",
            "^[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9])?$"),
    COMMAND("shell command on one line", "^[^\\n\\r\\x00]{1,1000}$"),
    DURATION("duration such as 30s, 500ms, 5m or 1h", "^[0-9]{1,6}(ms|s|m|h)$"),
    SIZE("size such as 10m, 512k or 1g", "^[0-9]{1,6}[kmg]?$"),
    SECRET("secret reference: ${env:NAME}, ${file:PATH} or ${aws-sm:ID}", "^\\$\\{(env|file|aws-sm):[^}]+}$"),
    ENV_VALUE("value on one line, or a secret reference", "^[^\\n\\r\\x00]{0,4096}$"),
    AWS_REGION("AWS region, e.g. eu-west-1", "^[a-z]{2}(-gov)?-[a-z]+-[0-9]$"),
    INSTANCE_TYPE("EC2 instance type, e.g. t3.small", "^[a-z][a-z0-9-]*\\.[a-z0-9]+$"),
    DB_INSTANCE_CLASS("RDS instance class, e.g. db.t4g.medium", "^db\\.[a-z0-9-]+\\.[a-z0-9]+$"),
    ACM_CERTIFICATE_ARN("ACM certificate ARN", "^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$"),
    // Characters of systemd calendar events only: no '%' (unit specifiers), no line breaks, so the
    // value is a whole OnCalendar= line and a single command argument.
    ON_CALENDAR("systemd calendar event, e.g. daily or Sun *-*-* 01:00:00",
            "^[A-Za-z0-9*][A-Za-z0-9*,.:/~ -]{0,79}$"),
    // Tags of the OWASP CRS (attack-rce, paranoia-level/1, OWASP_CRS/WEB_ATTACK/XSS): no quote, comma,
    // semicolon or blank, so the tag stays one value inside a ModSecurity action list.
    WAF_TAG("CRS rule tag: letters, digits, '-', '_', '.' and '/', e.g. attack-rce", "^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$"),
    // A ModSecurity variable a rule inspects: a collection, optionally with one plain key. No regular
    // expression keys, quotes, commas or semicolons: they would end the ctl action it is written into.
    WAF_TARGET("ModSecurity target COLLECTION or COLLECTION:name, e.g. ARGS:json.body; collections: "
            + "ARGS, ARGS_GET, ARGS_POST, ARGS_NAMES, ARGS_GET_NAMES, ARGS_POST_NAMES, REQUEST_COOKIES, "
            + "REQUEST_COOKIES_NAMES, REQUEST_HEADERS, REQUEST_HEADERS_NAMES, FILES, FILES_NAMES, XML, "
            + "REQUEST_URI, REQUEST_FILENAME, REQUEST_BASENAME, QUERY_STRING, REQUEST_BODY",
            "^(ARGS|ARGS_GET|ARGS_POST|ARGS_NAMES|ARGS_GET_NAMES|ARGS_POST_NAMES|REQUEST_COOKIES|REQUEST_COOKIES_NAMES"
                    + "|REQUEST_HEADERS|REQUEST_HEADERS_NAMES|FILES|FILES_NAMES|XML)(:[A-Za-z0-9_.\\[\\]-]{1,128})?$"
                    + "|^(REQUEST_URI|REQUEST_FILENAME|REQUEST_BASENAME|QUERY_STRING|REQUEST_BODY)$"),
    S3_ENDPOINT("host name or IPv4 address of an S3-compatible endpoint, with an optional :port, e.g. s3.eu-west-1.amazonaws.com "
            + "or 10.0.3.40:9000", null),
    // S3's bucket naming rules: lower-case letters, digits, '.' and '-', 3 to 63 characters.
    S3_BUCKET("S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit",
            "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
    S3_REGION("S3 region name: lower-case letters, digits and '-', e.g. eu-west-1 (S3-compatible stores often take us-east-1)",
            "^[a-z0-9][a-z0-9-]{0,31}$"),
    VERSION("version such as 15 or 15.4", "^[0-9]{1,3}(\\.[0-9]{1,3}){0,2}$"),
    // AWS's ids start with Z; emulators (moto, LocalStack) make others of the same alphabet.
    ROUTE53_ZONE_ID("Route 53 hosted zone id: upper-case letters and digits, e.g. Z0123456789ABCDEFGHIJ (without /hostedzone/)",
            "^[A-Z0-9]{1,32}$");

    private static final Pattern HOSTNAME = Pattern.compile(
            "^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$");

    private final String summary;
    private final String jsonPattern;
    private final Pattern compiled;

    Format(String summary, String jsonPattern) {
        this.summary = summary;
        this.jsonPattern = jsonPattern;
        this.compiled = jsonPattern == null ? null : Pattern.compile(jsonPattern);
    }

    public String summary() {
        return summary;
    }

    public Optional<String> jsonPattern() {
        return Optional.ofNullable(jsonPattern);
    }

    /** Returns why the text does not fit, or empty when it does. */
    public Optional<String> check(String text) {
        switch (this) {
            case IPV4:
                return Ipv4.isValid(text) ? Optional.empty() : Optional.of("not an IPv4 address");
            case HOST:
                if (Ipv4.isValid(text) || (HOSTNAME.matcher(text).matches() && !text.matches("[0-9.]+"))) {
                    return Optional.empty();
                }
                return Optional.of("not an IP address or host name");
            case S3_ENDPOINT: {
                int colon = text.lastIndexOf(':');
                String host = colon < 0 ? text : text.substring(0, colon);
                if (colon >= 0 && !text.substring(colon + 1).matches("[0-9]{1,5}")
                        || colon >= 0 && !inPortRange(Integer.parseInt(text.substring(colon + 1)))) {
                    return Optional.of("the port after ':' must be a number from 1 to 65535");
                }
                return HOST.check(host).map(why -> why + " (give the endpoint as host or host:port, without https://)");
            }
            case CIDR:
                try {
                    Cidr.parse(text);
                    return Optional.empty();
                } catch (IllegalArgumentException e) {
                    return Optional.of("not a CIDR network (" + e.getMessage() + ")");
                }
            case SECRET:
                if (SecretRef.parse(text).isPresent()) {
                    return Optional.empty();
                }
                return Optional.of(SecretRef.looksLikeReference(text)
                        ? "not a valid secret reference; use ${env:NAME}, ${file:PATH} or ${aws-sm:ID}"
                        : "secrets must be references, not values; use ${env:NAME}, ${file:PATH} or ${aws-sm:ID}");
            case ENV_VALUE:
                if (SecretRef.looksLikeReference(text) && SecretRef.parse(text).isEmpty()) {
                    return Optional.of("not a valid secret reference; use ${env:NAME}, ${file:PATH} or ${aws-sm:ID}");
                }
                return matches(text) ? Optional.empty() : Optional.of("must be " + summary);
            case ROUTE53_ZONE_ID:
                // The console and the CLI both show ids as /hostedzone/Z...: say what to drop.
                if (text.startsWith("/hostedzone/")) {
                    return Optional.of("write the zone id without /hostedzone/ ("
                            + text.substring("/hostedzone/".length()) + ")");
                }
                return matches(text) ? Optional.empty() : Optional.of("must be " + summary);
            default:
                return matches(text) ? Optional.empty() : Optional.of("must be " + summary);
        }
    }

    private static boolean inPortRange(int port) {
        return port >= 1 && port <= 65535;
    }

    private boolean matches(String text) {
        return compiled == null || compiled.matcher(text).matches();
    }
}
