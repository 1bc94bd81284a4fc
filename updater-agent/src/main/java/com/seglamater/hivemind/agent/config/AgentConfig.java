package com.seglamater.hivemind.agent.config;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.model.config.Durations;
import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.verify.VerificationPolicy;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's validated configuration, a pure function of the environment ({@link #from}).
 * Every value is checked here and a bad one is a {@link ConfigException} naming the variable;
 * an empty value counts as unset. All variables are listed in compose/.env.example and
 * docs/updating.md. Over 300 lines on purpose: every setting with its default and its check,
 * read top to bottom beside .env.example (as the server's {@code ServerConfig}).
 *
 * @param channel            release channel followed ({@value #CHANNEL})
 * @param updateUrl          base URL of the release tree; https, or http to loopback with {@link #allowHttpLoopback}
 * @param interval           time between polls (jitter of up to a tenth is added)
 * @param keyring            armored trusted release keyring
 * @param dataDir            state, journal, lock, report queue and (by default) backups
 * @param adminUrl           the server's admin socket
 * @param adminTokenFile     the token file the server writes at start
 * @param healthUrl          the server's {@code /health}
 * @param approval           whether a verified release waits for an admin's approval
 * @param allowHttpLoopback  plain HTTP allowed for a loopback {@code updateUrl} (tests, local mirrors)
 * @param clockSkew          allowance for the statement's expiry
 * @param signatureThreshold distinct trusted keys that must have signed
 * @param composeCommand     {@code docker compose} or {@code docker-compose}, split on spaces
 * @param projectDir         the stack directory (docker-compose.yml, and the pins file by default)
 * @param projectName        compose project name
 * @param envFile            the operator's env file that {@code channel NAME} edits
 * @param pinsFile           the compose override file the agent owns
 * @param backupDir          where database dumps go
 * @param backupKeep         how many dumps are kept
 * @param services           names of the server, updater and database services
 * @param timeouts           bounds of external commands and waits
 * @param logDir             where the daemon also writes its log, in rotating files; empty: standard output only
 */
public record AgentConfig(
        String channel,
        URI updateUrl,
        Duration interval,
        Path keyring,
        Path dataDir,
        URI adminUrl,
        Path adminTokenFile,
        URI healthUrl,
        Approval approval,
        boolean allowHttpLoopback,
        Duration clockSkew,
        int signatureThreshold,
        List<String> composeCommand,
        Path projectDir,
        String projectName,
        Path envFile,
        Path pinsFile,
        Path backupDir,
        int backupKeep,
        Services services,
        Timeouts timeouts,
        Optional<Path> logDir) {

    public static final String CHANNEL = "HIVEMIND_UPDATE_CHANNEL";
    public static final String UPDATE_URL = "HIVEMIND_UPDATE_URL";
    public static final String INTERVAL = "HIVEMIND_UPDATE_INTERVAL";
    public static final String KEYRING = "HIVEMIND_UPDATE_KEYRING";
    public static final String DATA_DIR = "HIVEMIND_DATA_DIR";
    public static final String ADMIN_URL = "HIVEMIND_ADMIN_URL";
    public static final String ADMIN_TOKEN_FILE = "HIVEMIND_ADMIN_TOKEN_FILE";
    public static final String HEALTH_URL = "HIVEMIND_HEALTH_URL";
    public static final String APPROVAL = "HIVEMIND_UPDATE_APPROVAL";
    public static final String ALLOW_HTTP_LOOPBACK = "HIVEMIND_UPDATE_ALLOW_HTTP_LOOPBACK";
    public static final String CLOCK_SKEW = "HIVEMIND_UPDATE_CLOCK_SKEW";
    public static final String SIGNATURE_THRESHOLD = "HIVEMIND_UPDATE_SIGNATURE_THRESHOLD";
    public static final String COMPOSE_COMMAND = "HIVEMIND_COMPOSE_COMMAND";
    public static final String PROJECT_DIR = "HIVEMIND_COMPOSE_PROJECT_DIR";
    public static final String PROJECT_NAME = "HIVEMIND_COMPOSE_PROJECT";
    public static final String ENV_FILE = "HIVEMIND_ENV_FILE";
    public static final String PINS_FILE = "HIVEMIND_PINS_FILE";
    public static final String BACKUP_DIR = "HIVEMIND_BACKUP_DIR";
    public static final String BACKUP_KEEP = "HIVEMIND_BACKUP_KEEP";
    public static final String SERVER_SERVICE = "HIVEMIND_SERVER_SERVICE";
    public static final String UPDATER_SERVICE = "HIVEMIND_UPDATER_SERVICE";
    public static final String DB_SERVICE = "HIVEMIND_DB_SERVICE";
    public static final String DB_USER = "HIVEMIND_DB_USER";
    public static final String DB_NAME = "HIVEMIND_DB_NAME";
    public static final String COMMAND_TIMEOUT = "HIVEMIND_COMPOSE_TIMEOUT";
    public static final String HEALTH_TIMEOUT = "HIVEMIND_UPDATE_HEALTH_TIMEOUT";
    public static final String DRAIN_TIMEOUT = "HIVEMIND_UPDATE_DRAIN_TIMEOUT";
    public static final String LOG_DIR = "HIVEMIND_LOG_DIR";

    /** Every variable this record reads, with its default ("" for none); .env.example lists them all. */
    public static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(CHANNEL, "canary"),
            Map.entry(UPDATE_URL, "https://updates.seglamater.app/hivemind"),
            Map.entry(INTERVAL, "5m"),
            // Where the agent image ships the release team's keyring: not under /etc/hivemind, the
            // operator's directory that compose bind-mounts over whatever the image has there.
            Map.entry(KEYRING, "/usr/share/hivemind/release-keys.asc"),
            // Its own subdirectory of the stack directory, beside docker-compose.yml, not mixed with it.
            Map.entry(DATA_DIR, "/var/lib/hivemind/agent"),
            Map.entry(ADMIN_URL, "http://127.0.0.1:8586"),
            Map.entry(ADMIN_TOKEN_FILE, "/run/hivemind/admin.token"),
            Map.entry(HEALTH_URL, "http://127.0.0.1:8585/health"),
            Map.entry(APPROVAL, "auto"),
            Map.entry(ALLOW_HTTP_LOOPBACK, "false"),
            Map.entry(CLOCK_SKEW, "2m"),
            Map.entry(SIGNATURE_THRESHOLD, "1"),
            Map.entry(COMPOSE_COMMAND, "docker compose"),
            Map.entry(PROJECT_DIR, "/var/lib/hivemind"),
            Map.entry(PROJECT_NAME, "hivemind"),
            Map.entry(ENV_FILE, "/etc/hivemind/.env"),
            Map.entry(PINS_FILE, ""),
            Map.entry(BACKUP_DIR, ""),
            Map.entry(BACKUP_KEEP, "10"),
            Map.entry(SERVER_SERVICE, Names.SERVER_SERVICE),
            Map.entry(UPDATER_SERVICE, Names.UPDATER_SERVICE),
            Map.entry(DB_SERVICE, Names.DB_SERVICE),
            Map.entry(DB_USER, "hivemind"),
            Map.entry(DB_NAME, "hivemind"),
            Map.entry(COMMAND_TIMEOUT, "10m"),
            Map.entry(HEALTH_TIMEOUT, "3m"),
            Map.entry(DRAIN_TIMEOUT, "30s"),
            Map.entry(LOG_DIR, ""));

    /** The file name compose merges over docker-compose.yml by itself, so a plain {@code up -d} runs the pins. */
    public static final String DEFAULT_PINS_FILE_NAME = "docker-compose.override.yml";

    /** Whether a verified release is applied at once or waits for an admin. */
    public enum Approval { AUTO, MANUAL }

    /** Compose service names the agent treats specially. */
    public record Services(String server, String updater, String database, String dbUser, String dbName) {
    }

    /**
     * @param command bound of one compose/docker command (pulls are the slowest)
     * @param health  how long a recreated service has to become healthy
     * @param drain   how long the server may take to finish in-flight requests
     */
    public record Timeouts(Duration command, Duration health, Duration drain) {
    }

    public static AgentConfig from(Map<String, String> env) throws ConfigException {
        String channel = get(env, CHANNEL);
        try {
            Names.requireChannel(channel);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(CHANNEL, e.getMessage());
        }
        boolean allowHttp = bool(env, ALLOW_HTTP_LOOPBACK);
        URI updateUrl = url(UPDATE_URL, get(env, UPDATE_URL), true, allowHttp);
        Duration interval = Durations.parse(INTERVAL, get(env, INTERVAL), Duration.ofSeconds(10), Duration.ofDays(1));
        Path dataDir = path(env, DATA_DIR);
        requireShortEnoughForTheControlSocket(dataDir);
        Path projectDir = path(env, PROJECT_DIR);
        Duration skew = Durations.parse(CLOCK_SKEW, get(env, CLOCK_SKEW), Duration.ZERO,
                VerificationPolicy.MAX_CLOCK_SKEW);
        int threshold = integer(env, SIGNATURE_THRESHOLD, 1, 16);
        List<String> compose = composeCommand(get(env, COMPOSE_COMMAND));
        String project = get(env, PROJECT_NAME);
        if (!project.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw new ConfigException(PROJECT_NAME, ConfigException.quote(project)
                    + " is not a compose project name (lowercase letters, digits, '-' and '_', starting with a letter or digit)");
        }
        Path pins = Environment.value(env, PINS_FILE).isEmpty()
                ? projectDir.resolve(DEFAULT_PINS_FILE_NAME) : path(env, PINS_FILE);
        Path backups = Environment.value(env, BACKUP_DIR).isEmpty() ? dataDir.resolve("backups") : path(env, BACKUP_DIR);
        Services services = new Services(service(env, SERVER_SERVICE), service(env, UPDATER_SERVICE),
                service(env, DB_SERVICE), identifier(env, DB_USER), identifier(env, DB_NAME));
        if (services.server().equals(services.updater()) || services.server().equals(services.database())
                || services.updater().equals(services.database())) {
            throw new ConfigException(SERVER_SERVICE, "the server, updater and database services must be three different services");
        }
        Timeouts timeouts = new Timeouts(
                Durations.parse(COMMAND_TIMEOUT, get(env, COMMAND_TIMEOUT), Duration.ofSeconds(10), Duration.ofHours(2)),
                Durations.parse(HEALTH_TIMEOUT, get(env, HEALTH_TIMEOUT), Duration.ofSeconds(5), Duration.ofHours(1)),
                Durations.parse(DRAIN_TIMEOUT, get(env, DRAIN_TIMEOUT), Duration.ZERO, Duration.ofMinutes(5)));
        return new AgentConfig(channel, updateUrl, interval, path(env, KEYRING), dataDir,
                url(ADMIN_URL, get(env, ADMIN_URL), false, true), path(env, ADMIN_TOKEN_FILE),
                url(HEALTH_URL, get(env, HEALTH_URL), false, true), approval(get(env, APPROVAL)), allowHttp, skew,
                threshold, compose, projectDir, project, path(env, ENV_FILE), pins, backups,
                integer(env, BACKUP_KEEP, 1, 1000), services, timeouts,
                Environment.value(env, LOG_DIR).isEmpty() ? Optional.empty() : Optional.of(path(env, LOG_DIR)));
    }

    /** The policy the statement verifier runs with. */
    public VerificationPolicy verificationPolicy() {
        return new VerificationPolicy(signatureThreshold, clockSkew, CryptoPolicy.defaults());
    }

    private static String get(Map<String, String> env, String name) {
        return Environment.value(env, name).orElseGet(() -> DEFAULTS.get(name));
    }

    private static Path path(Map<String, String> env, String name) throws ConfigException {
        String text = get(env, name);
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new ConfigException(name, ConfigException.quote(text) + " is not a valid path");
        }
    }

    /**
     * The control socket lives at {@code DATA_DIR/control.sock}, and a Unix socket's path is at most
     * 107 bytes on Linux (sun_path holds 108 with the terminating NUL): a longer data directory
     * would otherwise stop the daemon with the JDK's bare "Unix domain path too long".
     */
    private static void requireShortEnoughForTheControlSocket(Path dataDir) throws ConfigException {
        Path socket = dataDir.toAbsolutePath().resolve(ControlSocket.FILE);
        int bytes = socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > ControlSocket.MAX_PATH_BYTES) {
            throw new ConfigException(DATA_DIR, ConfigException.quote(dataDir.toString()) + " is too long: the control socket "
                    + socket + " would be " + bytes + " bytes, and Unix sockets allow " + ControlSocket.MAX_PATH_BYTES
                    + "; use a shorter path");
        }
    }

    /** Where the daemon's control socket is, relative to the data directory, and the kernel's limit on its path. */
    public static final class ControlSocket {
        public static final String FILE = "control.sock";
        public static final int MAX_PATH_BYTES = 107;

        private ControlSocket() {
        }
    }

    private static boolean bool(Map<String, String> env, String name) throws ConfigException {
        return switch (get(env, name)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(name, ConfigException.quote(get(env, name)) + " is not true or false");
        };
    }

    private static int integer(Map<String, String> env, String name, int min, int max) throws ConfigException {
        String text = get(env, name);
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new ConfigException(name, ConfigException.quote(text) + " is not a whole number from " + min + " to " + max);
        }
        return Integer.parseInt(text);
    }

    private static Approval approval(String text) throws ConfigException {
        return switch (text) {
            case "auto" -> Approval.AUTO;
            case "manual" -> Approval.MANUAL;
            default -> throw new ConfigException(APPROVAL, ConfigException.quote(text)
                    + " is not auto (apply verified releases at once) or manual (wait for an admin's approval)");
        };
    }

    private static String service(Map<String, String> env, String name) throws ConfigException {
        String text = get(env, name);
        try {
            return Names.requireService(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, e.getMessage());
        }
    }

    private static String identifier(Map<String, String> env, String name) throws ConfigException {
        String text = get(env, name);
        if (!text.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new ConfigException(name, ConfigException.quote(text) + " is not a PostgreSQL identifier (letters, digits, '_')");
        }
        return text;
    }

    private static List<String> composeCommand(String text) throws ConfigException {
        List<String> words = List.of(text.strip().split(" +"));
        if (!words.equals(List.of("docker", "compose")) && !words.equals(List.of("docker-compose"))
                && !(words.size() <= 2 && words.get(0).startsWith("/") && (words.size() == 1 || words.get(1).equals("compose")))) {
            throw new ConfigException(COMPOSE_COMMAND, ConfigException.quote(text)
                    + " is not 'docker compose', 'docker-compose', or an absolute path to one of them");
        }
        return words;
    }

    /**
     * An absolute http(s) URL without user info, query or fragment. {@code httpsOnly}: plain http
     * only when {@code allowHttpLoopback} and the host is a loopback address.
     */
    static URI url(String name, String text, boolean httpsOnly, boolean allowHttpLoopback) throws ConfigException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(name, ConfigException.quote(text) + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new ConfigException(name, ConfigException.quote(text) + " is not an absolute http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigException(name, ConfigException.quote(text) + " must not carry user info, a query or a fragment");
        }
        if (httpsOnly && scheme.equals("http") && !(allowHttpLoopback && isLoopback(uri.getHost()))) {
            throw new ConfigException(name, ConfigException.quote(text) + " is plain HTTP: release trees are fetched over HTTPS"
                    + " (plain HTTP is allowed only to a loopback address with " + ALLOW_HTTP_LOOPBACK + "=true)");
        }
        String normalized = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        return URI.create(normalized);
    }

    /**
     * Literal loopback addresses, and {@code localhost}, which resolvers answer from the hosts
     * file (the opt-in is for tests and local mirrors on the same machine).
     */
    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.matches("127(\\.[0-9]{1,3}){3}") || h.equals("::1");
    }

    /** Names and values of what differs from the defaults, for the start-up log line (no secrets here). */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add("channel=" + channel + ", url=" + updateUrl + ", interval=" + Durations.format(interval)
                + ", approval=" + approval.name().toLowerCase(java.util.Locale.ROOT) + ", project=" + projectName
                + " in " + projectDir + ", pins=" + pinsFile + ", data=" + dataDir);
        return lines;
    }
}
