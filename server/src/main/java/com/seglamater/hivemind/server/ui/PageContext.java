package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.auth.Authentication;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.User;

import java.util.Optional;

/**
 * What the layout and every template know about the request they draw, passed to each template
 * as its {@code page} parameter by {@link Views}: who is signed in ({@link #viewer()}), the
 * session's CSRF token for forms ({@code @template.parts.csrf(page = page)}), the flash message
 * to show once, the path (for the navigation's {@code aria-current}) and the assets' paths.
 */
public record PageContext(Optional<Viewer> viewer, String csrfToken, Optional<Flash.Message> flash, String path,
                          Assets assets, boolean forwardAuth, String version) {

    /**
     * The signed-in person as the pages show them. {@code session}: signed in with a session
     * cookie, so there is a session to sign out of with the form.
     */
    public record Viewer(String username, Optional<String> displayName, Role role, boolean session, boolean sso) {

        /** "Display Name (username)", or the username. */
        public String shownName() {
            return displayName.map(name -> name + " (" + username + ")").orElse(username);
        }

        public boolean admin() {
            return role == Role.ADMIN;
        }

        static Optional<Viewer> of(Authentication authentication) {
            if (!(authentication instanceof Authentication.Authenticated a)) {
                return Optional.empty();
            }
            return switch (a.principal()) {
                case Principal.Account account -> Optional.of(new Viewer(account.user().username(),
                        account.user().displayName(), account.user().role(),
                        account.credential() instanceof Principal.Session,
                        account.user().source() == User.Source.SSO));
                // The break-glass key is for the API; a browser never carries it.
                case Principal.ApiKey key -> Optional.empty();
            };
        }
    }

    /** The path of an asset by its plain name ({@code hivemind.css}). */
    public String asset(String name) {
        return assets.path(name);
    }

    public boolean signedIn() {
        return viewer.isPresent();
    }

    public boolean admin() {
        return viewer.map(Viewer::admin).orElse(false);
    }

    /**
     * {@code "page"} when the request is for {@code section} (the navigation's current entry,
     * for {@code aria-current}), else {@code null}, which drops the attribute.
     */
    public String current(String section) {
        boolean here = section.equals("/") ? path.equals("/") : path.equals(section) || path.startsWith(section + "/");
        return here ? "page" : null;
    }
}
