package com.seglamater.hivemind.server.sso;

import java.util.Optional;

/**
 * Identity header defaults per authenticating proxy ({@code HIVEMIND_FORWARD_AUTH_PRESET}).
 * Every header stays overridable on its own. Sources, as read when this was written:
 * <ul>
 * <li>Authentik: proxy provider docs, "Headers" (https://docs.goauthentik.io/add-secure-apps/providers/proxy):
 *     {@code X-authentik-username}, {@code -email}, {@code -name}, and {@code -groups}
 *     "separated by a pipe".</li>
 * <li>oauth2-proxy: with {@code --pass-user-headers} it forwards {@code X-Forwarded-User},
 *     {@code -Email}, {@code -Preferred-Username} and {@code -Groups} (its header options;
 *     see discussion oauth2-proxy/oauth2-proxy#3429: "Email, Preferred-username, User and
 *     Groups"). It sends no display name. Several groups arrive as several header values,
 *     which a server joins with {@code ,}.</li>
 * <li>Authelia: "Trusted Header SSO", Response Headers
 *     (https://www.authelia.com/integration/trusted-header-sso/introduction/):
 *     {@code Remote-User}, {@code Remote-Email}, {@code Remote-Name}, {@code Remote-Groups}
 *     (example {@code admin,dev}).</li>
 * <li>Pomerium: "JWT Claim Headers" (https://www.pomerium.com/docs/reference/jwt-claim-headers):
 *     a claim listed in {@code jwt_claims_headers} is sent as {@code X-Pomerium-Claim-{Name}},
 *     underscores becoming dashes, with {@code pass_identity_headers} on. The operator must list
 *     {@code email}, {@code groups} and {@code name}. The user is the email claim, which every
 *     OIDC provider Pomerium supports returns ({@code preferred_username} is missing at e.g.
 *     Google). The {@code ,} delimiter for the groups array is not stated on that page: the
 *     end-to-end test should confirm it.</li>
 * </ul>
 */
public enum Preset {
    AUTHENTIK("authentik", "X-Authentik-Username", "X-Authentik-Email", "X-Authentik-Groups",
            "X-Authentik-Name", "|"),
    OAUTH2_PROXY("oauth2-proxy", "X-Forwarded-Preferred-Username", "X-Forwarded-Email", "X-Forwarded-Groups",
            null, ","),
    AUTHELIA("authelia", "Remote-User", "Remote-Email", "Remote-Groups", "Remote-Name", ","),
    POMERIUM("pomerium", "X-Pomerium-Claim-Email", "X-Pomerium-Claim-Email", "X-Pomerium-Claim-Groups",
            "X-Pomerium-Claim-Name", ",");

    private final String text;
    private final String userHeader;
    private final String emailHeader;
    private final String groupsHeader;
    private final String nameHeader;
    private final String groupsDelimiter;

    Preset(String text, String userHeader, String emailHeader, String groupsHeader, String nameHeader,
           String groupsDelimiter) {
        this.text = text;
        this.userHeader = userHeader;
        this.emailHeader = emailHeader;
        this.groupsHeader = groupsHeader;
        this.nameHeader = nameHeader;
        this.groupsDelimiter = groupsDelimiter;
    }

    /** The value of {@code HIVEMIND_FORWARD_AUTH_PRESET}. */
    public String text() {
        return text;
    }

    public String userHeader() {
        return userHeader;
    }

    public String emailHeader() {
        return emailHeader;
    }

    public String groupsHeader() {
        return groupsHeader;
    }

    /** Empty when the proxy sends no display name (oauth2-proxy). */
    public Optional<String> nameHeader() {
        return Optional.ofNullable(nameHeader);
    }

    public String groupsDelimiter() {
        return groupsDelimiter;
    }

    public static Optional<Preset> parse(String text) {
        for (Preset preset : values()) {
            if (preset.text.equals(text)) {
                return Optional.of(preset);
            }
        }
        return Optional.empty();
    }
}
