package com.seglamater.hivemind.server.sso;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.RoleMapping;
import com.seglamater.hivemind.server.net.Cidr;
import com.seglamater.hivemind.server.net.TrustedNets;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Forward-auth SSO configuration (issue 5), read from the environment. Values are checked even
 * while forward auth is off, so a typo shows up before someone switches it on; only the rules
 * that make "on" unsafe (no trusted network, a network trusting everyone) wait for "on".
 *
 * @param enabled         {@code HIVEMIND_FORWARD_AUTH}
 * @param preset          {@code HIVEMIND_FORWARD_AUTH_PRESET}, source of the header defaults
 * @param userHeader      header naming the user (the account key)
 * @param emailHeader     header carrying the email address
 * @param groupsHeader    header listing the groups
 * @param nameHeader      header carrying the display name; empty when the preset has none and none is set
 * @param groupsDelimiter separator inside {@code groupsHeader}
 * @param trustedNets     networks whose TCP peers may send these headers
 * @param adminGroup      {@code HIVEMIND_GROUP_ADMIN}
 * @param userGroup       {@code HIVEMIND_GROUP_USER}
 * @param loginUrl        the proxy's sign-in entry point, if configured
 * @param logoutUrl       where sign-out redirects to end the proxy's session, if configured
 */
public record ForwardAuthSettings(
        boolean enabled,
        Preset preset,
        String userHeader,
        String emailHeader,
        String groupsHeader,
        Optional<String> nameHeader,
        String groupsDelimiter,
        TrustedNets trustedNets,
        String adminGroup,
        String userGroup,
        Optional<URI> loginUrl,
        Optional<URI> logoutUrl) {

    public static final String FORWARD_AUTH = "HIVEMIND_FORWARD_AUTH";
    public static final String PRESET = "HIVEMIND_FORWARD_AUTH_PRESET";
    public static final String USER_HEADER = "HIVEMIND_FORWARD_AUTH_USER_HEADER";
    public static final String EMAIL_HEADER = "HIVEMIND_FORWARD_AUTH_EMAIL_HEADER";
    public static final String GROUPS_HEADER = "HIVEMIND_FORWARD_AUTH_GROUPS_HEADER";
    public static final String NAME_HEADER = "HIVEMIND_FORWARD_AUTH_NAME_HEADER";
    public static final String GROUPS_DELIM = "HIVEMIND_FORWARD_AUTH_GROUPS_DELIM";
    public static final String TRUSTED_NETS = "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS";
    public static final String GROUP_ADMIN = "HIVEMIND_GROUP_ADMIN";
    public static final String GROUP_USER = "HIVEMIND_GROUP_USER";
    public static final String LOGIN_URL = "HIVEMIND_FORWARD_AUTH_LOGIN_URL";
    public static final String LOGOUT_URL = "HIVEMIND_FORWARD_AUTH_LOGOUT_URL";

    /** Every variable and its default, in documentation order; {@code ""} means unset. */
    public static final Map<String, String> DEFAULTS = defaults();

    static final int MAX_HEADER_NAME = 128;
    static final int MAX_GROUP_NAME = 256;
    static final int MAX_DELIMITER = 4;
    static final int MAX_URL = 2048;

    // RFC 9110 section 5.6.2: a field name is a token, 1*tchar.
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");

    /** Headers with a meaning of their own, which clients or proxies write: never an identity. */
    private static final Set<String> NOT_IDENTITY = Set.of("authorization", "cookie", "set-cookie", "host",
            "forwarded", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
            "x-forwarded-server", "x-forwarded-uri", "x-forwarded-method", "x-forwarded-prefix", "x-real-ip",
            "true-client-ip", "cf-connecting-ip", "via", "origin", "referer", "user-agent", "te", "trailer",
            "content-type", "content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive",
            "upgrade", "expect", "range", "if-match", "if-none-match", "if-modified-since", "cache-control", "pragma",
            "x-csrf-token", "x-requested-with", "dnt");
    /** Header families with a meaning of their own: browser fetch metadata and hints, proxy, accept, originals. */
    private static final List<String> NOT_IDENTITY_PREFIXES = List.of("sec-", "proxy-", "accept", "x-original-");

    public ForwardAuthSettings {
        nameHeader = nameHeader == null ? Optional.empty() : nameHeader;
    }

    public static ForwardAuthSettings from(Map<String, String> env) throws ConfigException {
        boolean enabled = bool(FORWARD_AUTH, get(env, FORWARD_AUTH));
        Preset preset = preset(get(env, PRESET));
        String userHeader = header(USER_HEADER, get(env, USER_HEADER), preset.userHeader());
        String emailHeader = header(EMAIL_HEADER, get(env, EMAIL_HEADER), preset.emailHeader());
        String groupsHeader = header(GROUPS_HEADER, get(env, GROUPS_HEADER), preset.groupsHeader());
        String name = get(env, NAME_HEADER);
        Optional<String> nameHeader = name == null
                ? preset.nameHeader()
                : Optional.of(header(NAME_HEADER, name, null));
        distinctFromGroups(groupsHeader, userHeader, emailHeader, nameHeader);
        String delimiter = delimiter(get(env, GROUPS_DELIM), preset.groupsDelimiter());
        String adminGroup = group(GROUP_ADMIN, get(env, GROUP_ADMIN), DEFAULTS.get(GROUP_ADMIN), delimiter);
        String userGroup = group(GROUP_USER, get(env, GROUP_USER), DEFAULTS.get(GROUP_USER), delimiter);
        if (adminGroup.equals(userGroup)) {
            throw new ConfigException(GROUP_USER, ConfigException.quote(userGroup) + " is also " + GROUP_ADMIN
                    + ": each role needs a group of its own");
        }
        String nets = get(env, TRUSTED_NETS);
        TrustedNets trustedNets = TrustedNets.parse(TRUSTED_NETS, nets == null ? "" : nets);
        if (enabled) {
            requireSafe(trustedNets);
        }
        return new ForwardAuthSettings(enabled, preset, userHeader, emailHeader, groupsHeader, nameHeader,
                delimiter, trustedNets, adminGroup, userGroup,
                url(LOGIN_URL, get(env, LOGIN_URL)), url(LOGOUT_URL, get(env, LOGOUT_URL)));
    }

    /** The group-to-role rules, with {@code defaultRole} from {@code HIVEMIND_DEFAULT_ROLE}. */
    public RoleMapping roleMapping(Optional<Role> defaultRole) {
        return new RoleMapping(adminGroup, userGroup, defaultRole);
    }

    private static void requireSafe(TrustedNets nets) throws ConfigException {
        if (nets.isEmpty()) {
            throw new ConfigException(TRUSTED_NETS, "is empty while " + FORWARD_AUTH
                    + " is true: list the proxy's CIDRs, or anyone who can reach the server could send identity headers");
        }
        Optional<Cidr> everyone = nets.everyone();
        if (everyone.isPresent()) {
            throw new ConfigException(TRUSTED_NETS, "'" + everyone.get() + "' trusts every address, so anyone"
                    + " could sign in as anyone by sending identity headers: list only the proxy's CIDRs");
        }
        Optional<Cidr> wide = nets.tooWide();
        if (wide.isPresent()) {
            throw new ConfigException(TRUSTED_NETS, "'" + wide.get() + "' is wider than /"
                    + TrustedNets.minimumPrefix(wide.get()) + ": no proxy needs that many addresses, and each could "
                    + "sign in as anyone; list only the proxy's address (a /32 or /128) or its small network");
        }
    }

    private static boolean bool(String variable, String text) throws ConfigException {
        if (text == null) {
            return false;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(variable, ConfigException.quote(text) + " is not true or false");
        };
    }

    private static Preset preset(String text) throws ConfigException {
        if (text == null) {
            return Preset.AUTHENTIK;
        }
        Optional<Preset> preset = Preset.parse(text);
        if (preset.isEmpty()) {
            throw new ConfigException(PRESET, ConfigException.quote(text)
                    + " is not authentik, oauth2-proxy, authelia or pomerium");
        }
        return preset.get();
    }

    private static String header(String variable, String text, String defaultValue) throws ConfigException {
        if (text == null) {
            return defaultValue;
        }
        if (text.length() > MAX_HEADER_NAME || !TOKEN.matcher(text).matches()) {
            throw new ConfigException(variable, ConfigException.quote(text, 64)
                    + " is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~, at most "
                    + MAX_HEADER_NAME + ")");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (NOT_IDENTITY.contains(lower) || NOT_IDENTITY_PREFIXES.stream().anyMatch(lower::startsWith)) {
            throw new ConfigException(variable, ConfigException.quote(text) + " is a standard header that browsers, "
                    + "clients or proxies set for other purposes, so it cannot carry an identity; use the header "
                    + "your proxy sets for it (see docs/sso.md)");
        }
        return text;
    }

    private static void distinctFromGroups(String groups, String user, String email, Optional<String> name)
            throws ConfigException {
        // A user or email header that doubles as the groups header would let a user's own
        // name or address (chosen at the IdP) read as a group such as hivemind-admin.
        // User and email may share one header: Pomerium's user is its email claim.
        if (groups.equalsIgnoreCase(user) || groups.equalsIgnoreCase(email)
                || name.filter(groups::equalsIgnoreCase).isPresent()) {
            throw new ConfigException(GROUPS_HEADER, "'" + groups
                    + "' is also the user, email or name header; the groups need a header of their own");
        }
    }

    private static String delimiter(String text, String defaultValue) throws ConfigException {
        if (text == null) {
            return defaultValue;
        }
        if (text.length() > MAX_DELIMITER || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ConfigException(GROUPS_DELIM, ConfigException.quote(text, 64)
                    + " is not a delimiter (1-" + MAX_DELIMITER + " visible ASCII characters)");
        }
        return text;
    }

    private static String group(String variable, String text, String defaultValue, String delimiter)
            throws ConfigException {
        if (text == null) {
            text = defaultValue;
        }
        if (text.length() > MAX_GROUP_NAME || text.chars().anyMatch(Character::isISOControl)) {
            throw new ConfigException(variable, ConfigException.quote(text, 64)
                    + " is not a group name (at most " + MAX_GROUP_NAME + " characters, no control characters)");
        }
        if (!text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            // The server reads header values as ASCII: a group name beyond it could never match.
            throw new ConfigException(variable, ConfigException.quote(text) + " is not plain ASCII; header values are "
                    + "read as ASCII, so it could never match (name the group in ASCII at the identity provider)");
        }
        if (text.contains(delimiter)) {
            // GroupsHeader splits on the delimiter, so such a name could never match.
            throw new ConfigException(variable, ConfigException.quote(text) + " contains the groups delimiter "
                    + ConfigException.quote(delimiter) + " and could never match");
        }
        return text;
    }

    private static Optional<URI> url(String variable, String text) throws ConfigException {
        if (text == null) {
            return Optional.empty();
        }
        String problem = " is not an absolute http(s) URL without user info";
        if (text.length() > MAX_URL) {
            throw new ConfigException(variable, "is longer than " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException(variable, ConfigException.quote(text) + problem);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new ConfigException(variable, ConfigException.quote(text) + problem);
        }
        if (uri.getRawUserInfo() != null) {
            // Not echoed: user info may be a password.
            throw new ConfigException(variable, "must not carry user info (user:password@)");
        }
        return Optional.of(uri);
    }

    /** The value of {@code name}, stripped; null when unset or blank (blank means "use the default"). */
    private static String get(Map<String, String> env, String name) {
        return Environment.value(env, name).orElse(null);
    }

    private static Map<String, String> defaults() {
        Preset preset = Preset.AUTHENTIK;
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(FORWARD_AUTH, "false");
        defaults.put(PRESET, preset.text());
        defaults.put(TRUSTED_NETS, "");
        defaults.put(USER_HEADER, preset.userHeader());
        defaults.put(EMAIL_HEADER, preset.emailHeader());
        defaults.put(GROUPS_HEADER, preset.groupsHeader());
        defaults.put(NAME_HEADER, preset.nameHeader().orElseThrow());
        defaults.put(GROUPS_DELIM, preset.groupsDelimiter());
        defaults.put(GROUP_ADMIN, "hivemind-admin");
        defaults.put(GROUP_USER, "hivemind-user");
        defaults.put(LOGIN_URL, "");
        defaults.put(LOGOUT_URL, "");
        return Collections.unmodifiableMap(defaults);
    }
}
