package com.seglamater.hivemind.server.config;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Durations;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.server.net.Cidr;
import com.seglamater.hivemind.server.net.HostPort;

import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.TokenStore;
import com.seglamater.hivemind.server.admin.AdminToken;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.DatabaseSettings;
import com.seglamater.hivemind.server.origin.PublicOrigins;
import com.seglamater.hivemind.server.ratelimit.RateLimit;
import com.seglamater.hivemind.server.sso.ForwardAuthSettings;
import com.seglamater.hivemind.server.net.TrustedNets;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The server's validated configuration. Built only by {@link #from(Map)}, a pure function
 * of the environment; every value is checked there, and a bad one is a
 * {@link ConfigException} naming the variable. An empty value counts as unset, as in a
 * compose file's {@code VAR=} line.
 *
 * @param bind            main listener ({@value #BIND})
 * @param adminBind       admin socket listener ({@value #ADMIN_BIND})
 * @param adminTokenFile  where the server writes the admin socket's bearer token at start
 *                        ({@value #ADMIN_TOKEN_FILE}); its directory is created then if missing
 * @param dbUrl           external PostgreSQL JDBC URL; empty means the embedded database
 * @param dbUser          role used with {@code dbUrl}
 * @param dbPassword      password for {@code dbUser}; never logged or printed
 * @param dataDir         local state, including the embedded database
 * @param trustedProxies  peers whose forwarded-for headers are believed
 * @param publicOrigins   the origins users open Hivemind at ({@value #PUBLIC_URL}): the {@code Host} values the
 *                        main listener answers and the {@code Origin} values it accepts; empty: any host
 *                        (required with forward auth)
 * @param defaultRole     role of users no rule gives another one (SSO users in no mapped
 *                        group, accounts created without a role); empty ({@code none}) denies
 *                        them (and makes a role required at creation)
 * @param adminApiKey     break-glass bearer key for the admin API; never logged or printed
 * @param sessions        session lifetimes
 * @param rateLimits      per-client limits; an empty one is off
 * @param forwardAuth     forward-auth SSO ({@code HIVEMIND_FORWARD_AUTH*}, {@code HIVEMIND_GROUP_*}); see
 *                        {@link ForwardAuthSettings} for its variables
 * @param logDir          a directory the log is also written to, in rotating files ({@value #LOG_DIR});
 *                        empty: standard output only
 * @param drainNotice     how long a drain keeps {@code /health} at 503 at least, for a proxy's health check to
 *                        notice before the restart ({@value #DRAIN_NOTICE}; {@link #DEFAULT_DRAIN_NOTICE} when unset)
 */
public record ServerConfig(
        HostPort bind,
        HostPort adminBind,
        Path adminTokenFile,
        Optional<String> dbUrl,
        String dbUser,
        Optional<String> dbPassword,
        Path dataDir,
        List<Cidr> trustedProxies,
        PublicOrigins publicOrigins,
        Optional<Role> defaultRole,
        Optional<String> adminApiKey,
        Sessions sessions,
        RateLimits rateLimits,
        ForwardAuthSettings forwardAuth,
        Optional<Path> logDir,
        Duration drainNotice) {

    public static final String BIND = "HIVEMIND_BIND";
    public static final String ADMIN_BIND = "HIVEMIND_ADMIN_BIND";
    public static final String ADMIN_TOKEN_FILE = AdminToken.SETTING;
    public static final String DB_URL = "HIVEMIND_DB_URL";
    public static final String DB_USER = "HIVEMIND_DB_USER";
    public static final String DB_PASSWORD = "DB_PASSWORD";
    public static final String DATA_DIR = "HIVEMIND_DATA_DIR";
    public static final String TRUSTED_PROXIES = "HIVEMIND_TRUSTED_PROXIES";
    public static final String PUBLIC_URL = "HIVEMIND_PUBLIC_URL";
    public static final String DEFAULT_ROLE = "HIVEMIND_DEFAULT_ROLE";
    public static final String ADMIN_API_KEY = "ADMIN_API_KEY";
    public static final String SESSION_IDLE_TIMEOUT = "HIVEMIND_SESSION_IDLE_TIMEOUT";
    public static final String SESSION_MAX_AGE = "HIVEMIND_SESSION_MAX_AGE";
    public static final String RATE_LIMIT_API = "HIVEMIND_RATE_LIMIT_API";
    public static final String RATE_LIMIT_SIGNIN = "HIVEMIND_RATE_LIMIT_SIGNIN";
    public static final String RATE_LIMIT_SIGNIN_ACCOUNT = "HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT";
    public static final String LOG_DIR = "HIVEMIND_LOG_DIR";
    public static final String DRAIN_NOTICE = "HIVEMIND_DRAIN_NOTICE";

    static final String DEFAULT_BIND = "127.0.0.1:8585";
    static final String DEFAULT_ADMIN_BIND = "127.0.0.1:8586";
    static final String DEFAULT_ADMIN_TOKEN_FILE = "/run/hivemind/admin.token";
    static final String DEFAULT_DB_USER = "hivemind";
    static final String DEFAULT_DATA_DIR = "./data";
    static final String DEFAULT_TRUSTED_PROXIES = "127.0.0.1/32,::1/128";
    static final String DEFAULT_DEFAULT_ROLE = "viewer";
    static final String DEFAULT_SESSION_IDLE_TIMEOUT = "12h";
    static final String DEFAULT_SESSION_MAX_AGE = "7d";
    static final String DEFAULT_RATE_LIMIT_API = "600/1m";
    static final String DEFAULT_RATE_LIMIT_SIGNIN = "30/10m";
    static final String DEFAULT_RATE_LIMIT_SIGNIN_ACCOUNT = "10/10m";
    static final String NO_ROLE = "none";
    /**
     * Three of the shipped Caddyfiles' 250 ms {@code health_interval}s: noticed even on a busy host.
     * Below a second, so not a value of the duration grammar: the default is what an empty setting means.
     */
    public static final Duration DEFAULT_DRAIN_NOTICE = Duration.ofMillis(750);
    static final Duration MAX_DRAIN_NOTICE = Duration.ofMinutes(1);
    /** 32 characters: {@code openssl rand -base64 32} gives 44. Shorter keys are guessable. */
    static final int MIN_API_KEY_LENGTH = 32;
    static final int MAX_API_KEY_LENGTH = 512;

    private static final Pattern DB_USER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.-]{0,62}");
    private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x7e]+");

    /**
     * @param idleTimeout a session unused this long ends ({@value #SESSION_IDLE_TIMEOUT})
     * @param maxAge      a session ends this long after sign-in, used or not ({@value #SESSION_MAX_AGE})
     */
    public record Sessions(Duration idleTimeout, Duration maxAge) {
    }

    /**
     * @param api           every {@code /api/} request, per client IP ({@value #RATE_LIMIT_API})
     * @param signIn        sign-in attempts per client IP ({@value #RATE_LIMIT_SIGNIN})
     * @param signInAccount sign-in attempts per account name, refilled by a success ({@value #RATE_LIMIT_SIGNIN_ACCOUNT})
     */
    public record RateLimits(Optional<RateLimit> api, Optional<RateLimit> signIn, Optional<RateLimit> signInAccount) {
    }

    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static ServerConfig from(Map<String, String> env) throws ConfigException {
        HostPort bind = HostPort.parse(BIND, get(env, BIND, DEFAULT_BIND));
        HostPort adminBind = HostPort.parse(ADMIN_BIND, get(env, ADMIN_BIND, DEFAULT_ADMIN_BIND));
        if (adminBind.equals(bind) && bind.port() != 0) {
            throw new ConfigException(ADMIN_BIND, "'" + adminBind + "' is the same address as " + BIND);
        }
        PublicOrigins publicOrigins = PublicOrigins.parse(PUBLIC_URL, Environment.value(env, PUBLIC_URL));
        ForwardAuthSettings forwardAuth = ForwardAuthSettings.from(env);
        if (forwardAuth.enabled() && !publicOrigins.configured()) {
            // Without it any Host is answered, and a page that rebinds its name to this server could
            // send forged identity headers from the trusted peer (issue 12): refused, not merely warned.
            throw new ConfigException(PUBLIC_URL, "is required while " + ForwardAuthSettings.FORWARD_AUTH + " is true: "
                    + "set it to the address users open (e.g. https://hivemind.example.org), so that requests "
                    + "for other host names, which a web page could send by DNS rebinding with forged identity "
                    + "headers, are refused");
        }
        return new ServerConfig(
                bind,
                adminBind,
                adminTokenFile(get(env, ADMIN_TOKEN_FILE, DEFAULT_ADMIN_TOKEN_FILE)),
                dbUrl(env),
                dbUser(get(env, DB_USER, DEFAULT_DB_USER)),
                Environment.value(env, DB_PASSWORD),
                dataDir(get(env, DATA_DIR, DEFAULT_DATA_DIR)),
                trustedProxies(get(env, TRUSTED_PROXIES, DEFAULT_TRUSTED_PROXIES)),
                publicOrigins,
                defaultRole(get(env, DEFAULT_ROLE, DEFAULT_DEFAULT_ROLE)),
                adminApiKey(env.get(ADMIN_API_KEY)),
                sessions(env),
                new RateLimits(
                        RateLimit.parse(RATE_LIMIT_API, get(env, RATE_LIMIT_API, DEFAULT_RATE_LIMIT_API)),
                        RateLimit.parse(RATE_LIMIT_SIGNIN, get(env, RATE_LIMIT_SIGNIN, DEFAULT_RATE_LIMIT_SIGNIN)),
                        RateLimit.parse(RATE_LIMIT_SIGNIN_ACCOUNT,
                                get(env, RATE_LIMIT_SIGNIN_ACCOUNT, DEFAULT_RATE_LIMIT_SIGNIN_ACCOUNT))),
                forwardAuth,
                logDir(env),
                drainNotice(env));
    }

    /** Empty: {@link #DEFAULT_DRAIN_NOTICE}; else {@code 0s} (no notice: no proxy checks /health) to {@code 60s}. */
    private static Duration drainNotice(Map<String, String> env) throws ConfigException {
        Optional<String> text = Environment.value(env, DRAIN_NOTICE);
        if (text.isEmpty()) {
            return DEFAULT_DRAIN_NOTICE;
        }
        return Durations.parse(DRAIN_NOTICE, text.get(), Duration.ZERO, MAX_DRAIN_NOTICE);
    }

    private static Optional<Path> logDir(Map<String, String> env) throws ConfigException {
        Optional<String> text = Environment.value(env, LOG_DIR);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(text.get()));
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(LOG_DIR, ConfigException.quote(text.get()) + " is not a valid path");
        }
    }

    /**
     * {@code viewer} (the default), {@code user} or {@code none}. {@code admin} is refused:
     * a default that makes everyone an administrator is never what an operator means.
     */
    private static Optional<Role> defaultRole(String text) throws ConfigException {
        if (text.equals(NO_ROLE)) {
            return Optional.empty();
        }
        Optional<Role> role = Role.parse(text);
        if (role.isEmpty()) {
            throw new ConfigException(DEFAULT_ROLE, ConfigException.quote(text) + " is not viewer, user or none");
        }
        if (role.get() == Role.ADMIN) {
            throw new ConfigException(DEFAULT_ROLE,
                    "'admin' would make everyone an administrator; use viewer, user or none and grant admin by group");
        }
        return role;
    }

    /** The key itself is never echoed, not even in an error. */
    private static Optional<String> adminApiKey(String raw) throws ConfigException {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        if (!API_KEY.matcher(raw).matches()) {
            throw new ConfigException(ADMIN_API_KEY, "may only contain printable ASCII characters without spaces");
        }
        if (raw.length() < MIN_API_KEY_LENGTH || raw.length() > MAX_API_KEY_LENGTH) {
            throw new ConfigException(ADMIN_API_KEY, "must be " + MIN_API_KEY_LENGTH + " to " + MAX_API_KEY_LENGTH
                    + " characters long (it is " + raw.length() + "); generate one with: openssl rand -base64 32");
        }
        if (raw.startsWith(TokenStore.PREFIX)) {
            // Such bearers are looked up as personal API tokens: the key could never be used.
            throw new ConfigException(ADMIN_API_KEY, "must not start with " + TokenStore.PREFIX
                    + ", the prefix of personal API tokens; generate one with: openssl rand -base64 32");
        }
        return Optional.of(raw);
    }

    private static Sessions sessions(Map<String, String> env) throws ConfigException {
        Duration idle = Durations.parse(SESSION_IDLE_TIMEOUT, get(env, SESSION_IDLE_TIMEOUT, DEFAULT_SESSION_IDLE_TIMEOUT),
                Duration.ofMinutes(1), Duration.ofDays(30));
        Duration maxAge = Durations.parse(SESSION_MAX_AGE, get(env, SESSION_MAX_AGE, DEFAULT_SESSION_MAX_AGE),
                Duration.ofMinutes(1), Duration.ofDays(365));
        if (maxAge.compareTo(idle) < 0) {
            throw new ConfigException(SESSION_MAX_AGE, "'" + Durations.format(maxAge) + "' is shorter than "
                    + SESSION_IDLE_TIMEOUT + " ('" + Durations.format(idle) + "')");
        }
        return new Sessions(idle, maxAge);
    }

    /** The database part, for {@link Database#open}. */
    public DatabaseSettings database() {
        return new DatabaseSettings(dbUrl, dbUser, dbPassword, dataDir);
    }

    private static Optional<String> dbUrl(Map<String, String> env) throws ConfigException {
        String url = Environment.value(env, DB_URL).orElse(null);
        if (url == null) {
            return Optional.empty();
        }
        // The value is not echoed: a JDBC URL may carry a password parameter.
        if (!url.startsWith("jdbc:postgresql://") || url.length() == "jdbc:postgresql://".length()) {
            throw new ConfigException(DB_URL, "is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/database)");
        }
        if (url.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new ConfigException(DB_URL, "contains whitespace or control characters");
        }
        return Optional.of(url);
    }

    private static String dbUser(String user) throws ConfigException {
        if (!DB_USER_NAME.matcher(user).matches()) {
            throw new ConfigException(DB_USER, ConfigException.quote(user) + " is not a valid PostgreSQL role name");
        }
        return user;
    }

    private static Path dataDir(String dir) throws ConfigException {
        try {
            return Path.of(dir);
        } catch (InvalidPathException e) {
            throw new ConfigException(DATA_DIR, ConfigException.quote(dir) + " is not a valid path");
        }
    }

    /**
     * A path naming a file, absolute or relative to the working directory. Whether its
     * directory exists or can be created is checked when the token is written at start.
     */
    private static Path adminTokenFile(String file) throws ConfigException {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new ConfigException(ADMIN_TOKEN_FILE, ConfigException.quote(file) + " is not a valid path");
        }
        Path name = path.getFileName();
        if (file.endsWith("/") || name == null || name.toString().equals(".") || name.toString().equals("..")) {
            throw new ConfigException(ADMIN_TOKEN_FILE, ConfigException.quote(file) + " names a directory, not a file");
        }
        return path;
    }

    private static List<Cidr> trustedProxies(String list) throws ConfigException {
        return TrustedNets.parse(TRUSTED_PROXIES, list).cidrs();
    }

    private static String get(Map<String, String> env, String name, String defaultValue) {
        return Environment.value(env, name).orElse(defaultValue);
    }

    private static String limit(Optional<RateLimit> limit) {
        return limit.map(RateLimit::toString).orElse("off");
    }

    /** Keeps the password and the API key out of every log line and error message that prints the config. */
    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", adminBind=" + adminBind + ", adminTokenFile=" + adminTokenFile
                + ", database=" + (dbUrl.isPresent() ? "external" : "embedded")
                + ", dbUser=" + dbUser + ", dbPassword=" + (dbPassword.isPresent() ? "(set)" : "(unset)")
                + ", dataDir=" + dataDir + ", trustedProxies=" + trustedProxies + ", publicUrl=" + publicOrigins
                + ", defaultRole=" + defaultRole.map(Role::text).orElse(NO_ROLE)
                + ", adminApiKey=" + (adminApiKey.isPresent() ? "(set)" : "(unset)")
                + ", sessions=idle " + Durations.format(sessions.idleTimeout()) + "/max " + Durations.format(sessions.maxAge())
                + ", rateLimits=api " + limit(rateLimits.api()) + ", sign-in " + limit(rateLimits.signIn())
                + ", sign-in per account " + limit(rateLimits.signInAccount())
                + ", forwardAuth=" + forwardAuthSummary()
                + ", logDir=" + logDir.map(Path::toString).orElse("(stdout only)")
                + ", drainNotice=" + drainNotice.toMillis() + " ms]";
    }

    private String forwardAuthSummary() {
        if (!forwardAuth.enabled()) {
            return "off";
        }
        return "on (preset " + forwardAuth.preset().text() + ", user header " + forwardAuth.userHeader()
                + ", groups header " + forwardAuth.groupsHeader() + ", trusted nets " + forwardAuth.trustedNets()
                + ", admin group " + forwardAuth.adminGroup() + ", user group " + forwardAuth.userGroup() + ")";
    }
}
