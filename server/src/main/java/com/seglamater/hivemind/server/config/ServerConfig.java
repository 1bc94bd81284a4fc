package com.seglamater.hivemind.server.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 */
public record ServerConfig(
        HostPort bind,
        HostPort adminBind,
        Path adminTokenFile,
        Optional<String> dbUrl,
        String dbUser,
        Optional<String> dbPassword,
        Path dataDir,
        List<Cidr> trustedProxies) {

    public static final String BIND = "HIVEMIND_BIND";
    public static final String ADMIN_BIND = "HIVEMIND_ADMIN_BIND";
    public static final String ADMIN_TOKEN_FILE = "HIVEMIND_ADMIN_TOKEN_FILE";
    public static final String DB_URL = "HIVEMIND_DB_URL";
    public static final String DB_USER = "HIVEMIND_DB_USER";
    public static final String DB_PASSWORD = "DB_PASSWORD";
    public static final String DATA_DIR = "HIVEMIND_DATA_DIR";
    public static final String TRUSTED_PROXIES = "HIVEMIND_TRUSTED_PROXIES";

    static final String DEFAULT_BIND = "127.0.0.1:8585";
    static final String DEFAULT_ADMIN_BIND = "127.0.0.1:8586";
    static final String DEFAULT_ADMIN_TOKEN_FILE = "/run/hivemind/admin.token";
    static final String DEFAULT_DB_USER = "hivemind";
    static final String DEFAULT_DATA_DIR = "./data";
    static final String DEFAULT_TRUSTED_PROXIES = "127.0.0.1/32,::1/128";

    private static final Pattern DB_USER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.-]{0,62}");

    public ServerConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static ServerConfig from(Map<String, String> env) throws ConfigException {
        HostPort bind = HostPort.parse(BIND, get(env, BIND, DEFAULT_BIND));
        HostPort adminBind = HostPort.parse(ADMIN_BIND, get(env, ADMIN_BIND, DEFAULT_ADMIN_BIND));
        if (adminBind.equals(bind) && bind.port() != 0) {
            throw new ConfigException(ADMIN_BIND, "'" + adminBind + "' is the same address as " + BIND);
        }
        return new ServerConfig(
                bind,
                adminBind,
                adminTokenFile(get(env, ADMIN_TOKEN_FILE, DEFAULT_ADMIN_TOKEN_FILE)),
                dbUrl(env),
                dbUser(get(env, DB_USER, DEFAULT_DB_USER)),
                Optional.ofNullable(blankToNull(env.get(DB_PASSWORD))),
                dataDir(get(env, DATA_DIR, DEFAULT_DATA_DIR)),
                trustedProxies(get(env, TRUSTED_PROXIES, DEFAULT_TRUSTED_PROXIES)));
    }

    private static Optional<String> dbUrl(Map<String, String> env) throws ConfigException {
        String url = blankToNull(env.get(DB_URL));
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
            throw new ConfigException(DB_USER, "'" + printable(user) + "' is not a valid PostgreSQL role name");
        }
        return user;
    }

    private static Path dataDir(String dir) throws ConfigException {
        try {
            return Path.of(dir);
        } catch (InvalidPathException e) {
            throw new ConfigException(DATA_DIR, "'" + printable(dir) + "' is not a valid path");
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
            throw new ConfigException(ADMIN_TOKEN_FILE, "'" + printable(file) + "' is not a valid path");
        }
        Path name = path.getFileName();
        if (file.endsWith("/") || name == null || name.toString().equals(".") || name.toString().equals("..")) {
            throw new ConfigException(ADMIN_TOKEN_FILE, "'" + printable(file) + "' names a directory, not a file");
        }
        return path;
    }

    private static List<Cidr> trustedProxies(String list) throws ConfigException {
        List<Cidr> cidrs = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            String cidr = item.strip();
            if (cidr.isEmpty()) {
                throw new ConfigException(TRUSTED_PROXIES, "'" + list + "' has an empty entry");
            }
            cidrs.add(Cidr.parse(TRUSTED_PROXIES, cidr));
        }
        return cidrs;
    }

    private static String get(Map<String, String> env, String name, String defaultValue) {
        String value = blankToNull(env.get(name));
        return value == null ? defaultValue : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String printable(String value) {
        return value.replaceAll("\\p{Cntrl}", "?");
    }

    /** Keeps the password out of every log line and error message that prints the config. */
    @Override
    public String toString() {
        return "ServerConfig[bind=" + bind + ", adminBind=" + adminBind + ", adminTokenFile=" + adminTokenFile
                + ", database=" + (dbUrl.isPresent() ? "external" : "embedded")
                + ", dbUser=" + dbUser + ", dbPassword=" + (dbPassword.isPresent() ? "(set)" : "(unset)")
                + ", dataDir=" + dataDir + ", trustedProxies=" + trustedProxies + "]";
    }
}
