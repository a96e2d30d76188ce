# The app's own database role (both AWS tiers). The app never connects as the master, whose password RDS
# rotates: the release step, as the master, keeps a role with its own secret that owns the schema public
# and its objects, and the app connects as that role.
APP_ROLE = "${appRole}"
APP_ROLE_SQL = "${appRoleSql}"
ROLE_LOCK_KEY = 0x746C726F6C65
# A refused password makes a process read the secret again, then at most this often while it stays refused.
SECRET_REREAD_SECONDS = 10
MASTER_OWNED = [("TABLE", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind IN ('r','p','f')"),
                ("VIEW", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind = 'v'"),
                ("MATERIALIZED VIEW", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind = 'm'"),
                ("SEQUENCE", "pg_class", "oid::regclass", "relnamespace", "relowner", "relkind = 'S'"),
                ("ROUTINE", "pg_proc", "oid::regprocedure", "pronamespace", "proowner", "prokind IN ('f','p')"),
                ("TYPE", "pg_type", "oid::regtype", "typnamespace", "typowner", "typtype IN ('e','d','r')")]


def database_driver(required=True):
    for name in ("psycopg2", "psycopg"):
        try:
            return importlib.import_module(name)
        except ImportError:
            pass
    if required:
        raise SystemExit("the app's Python has neither psycopg2 nor psycopg, which set up its database role")


def scram_verifier(password):
    """What pg_authid stores: the server gets this, never the password (no log can show it)."""
    if not password.isascii():
        # PostgreSQL would SASLprep it first; the generated password is letters and digits.
        raise SystemExit("the app's database password must be ASCII")
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 4096)
    key = lambda name: hmac.new(salted, name, "sha256").digest()
    b64 = lambda data: base64.b64encode(data).decode()
    return "SCRAM-SHA-256$4096:%s$%s:%s" % (b64(salt), b64(hashlib.sha256(key(b"Client Key")).digest()), b64(key(b"Server Key")))


def ensure_app_role(master_url, secret):
    """As the master: the role with the secret's password, owning the schema public and its objects."""
    if secret.get("username") != APP_ROLE:
        raise SystemExit("the app's database secret is for " + repr(secret.get("username")) + ", not " + APP_ROLE)
    conn = database_driver().connect(master_url)
    try:
        with conn.cursor() as cur:
            sql = cur.execute
            sql("SELECT pg_advisory_xact_lock(%s)", (ROLE_LOCK_KEY,))
            sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_ROLE,))
            # A new role has no privilege beyond logging in (and only a superuser may name the attributes in ALTER).
            sql(("ALTER" if cur.fetchone() else "CREATE") + " ROLE " + APP_ROLE_SQL
                + " LOGIN PASSWORD '" + scram_verifier(secret["password"]) + "'")
            # Membership lets the master hand objects over, and keeps its access for migrations and backups.
            sql("GRANT " + APP_ROLE_SQL + " TO CURRENT_USER")
            sql("SELECT pg_has_role(nspowner, 'MEMBER') FROM pg_namespace WHERE nspname = 'public'")
            if cur.fetchone()[0]:
                sql("ALTER SCHEMA public OWNER TO " + APP_ROLE_SQL)
                sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            else:  # before PostgreSQL 15, public belongs to the bootstrap superuser
                sql("GRANT USAGE, CREATE ON SCHEMA public TO " + APP_ROLE_SQL)
            # What the master creates later (a migration's restore) stays usable until the next release step.
            for kind in ("TABLES", "SEQUENCES", "FUNCTIONS", "TYPES"):
                sql("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON " + kind + " TO " + APP_ROLE_SQL)
            # Deploys from before the app had its role left the master owning its objects. Tables first:
            # their sequences go with them.
            for kind, catalog, name, schema, owner, which in MASTER_OWNED:
                sql("SELECT %s::text FROM %s WHERE %s = 'public'::regnamespace AND %s AND %s = "
                    "(SELECT oid FROM pg_roles WHERE rolname = current_user)" % (name, catalog, schema, which, owner))
                for (found,) in cur.fetchall():
                    sql("ALTER " + kind + " " + found + " OWNER TO " + APP_ROLE_SQL)
        conn.commit()
    finally:
        conn.close()


def is_authentication_failure(exc):
    code = getattr(exc, "pgcode", None) or getattr(exc, "sqlstate", None)
    return code in ("28P01", "28000") or "password authentication failed" in str(exc)


class AppDatabaseUrl:
    """DATABASE_URL from the app role's secret. A URL handed out here is replaced by the newest when the app
    connects, and a refused password reads the secret again and retries that connection once."""

    def __init__(self, read_url, variables):
        self.read_url, self.variables, self.issued, self.lock = read_url, variables, set(), threading.Lock()
        self.reread_at = None

    def set(self, url):
        self.issued.add(url)
        self.current = url
        for name in self.variables:
            os.environ[name] = url

    def reread(self, refused):
        with self.lock:
            now = time.monotonic()
            if self.current == refused and (self.reread_at is None or now - self.reread_at >= SECRET_REREAD_SECONDS):
                self.reread_at = now
                self.set(self.read_url())
            return self.current != refused

    def wrap(self, driver):
        connect = driver.connect

        def connect_as_app(*args, **kwargs):
            key = 0 if args else ("dsn" if "dsn" in kwargs else "conninfo")
            if (args[0] if args else kwargs.get(key)) not in self.issued:
                return connect(*args, **kwargs)
            args = list(args)
            for attempt in (1, 2):
                url = self.current
                if args:
                    args[0] = url
                else:
                    kwargs[key] = url
                try:
                    return connect(*args, **kwargs)
                except driver.OperationalError as exc:
                    if attempt == 2 or not is_authentication_failure(exc) or not self.reread(url):
                        raise
                    print("tierlift: the database refused the app role's password; retrying with its secret's",
                          file=sys.stderr, flush=True)

        driver.connect = connect_as_app
