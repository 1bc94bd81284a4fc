package com.seglamater.hivemind.server.sso;

import com.seglamater.hivemind.server.identity.UserFields;
import com.seglamater.hivemind.model.text.Printable;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who the forward-auth proxy says a request is from, read from its identity headers. Only
 * {@link ForwardAuth} calls {@link #read}, and only for a peer in the trusted networks.
 *
 * @param username    the user header: the account's key (matched as spelt; a name differing from an
 *                    account's only in case is refused, see {@link ForwardAuth})
 * @param email       the email header, when sent and not blank
 * @param displayName the name header, when configured, sent and not blank
 * @param groups      the groups header's entries
 * @param groupsSent  whether the groups header came with a value at all (absent, blank or an
 *                    unfilled placeholder: no), as opposed to a list naming no granting group
 * @param unreadable  the email or name header, when its value held bytes beyond ASCII: the
 *                    server reads header values as ASCII (each other byte becomes U+FFFD), so
 *                    such a value is not taken rather than stored garbled
 */
public record Identity(String username, Optional<String> email, Optional<String> displayName, List<String> groups,
                       boolean groupsSent, List<String> unreadable) {

    /**
     * What Caddy 2.6's {@code forward_auth ... copy_headers} writes when the auth answer lacks
     * the header: its placeholder, unfilled. Such a value means "not sent".
     */
    private static final Pattern CADDY_PLACEHOLDER = Pattern.compile("\\{http\\.reverse_proxy\\.header\\.[^{}]+}");

    /** What the server's HTTP layer makes of a byte beyond ASCII in a header value. */
    static final char NOT_ASCII = '\uFFFD';

    public Identity {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(displayName, "displayName");
        groups = List.copyOf(groups);
        unreadable = List.copyOf(unreadable);
    }

    /** An identity header Hivemind cannot accept; the message names the header and the fault. */
    public static final class InvalidException extends Exception {
        private final String username;

        InvalidException(String header, String problem, String username) {
            super("the identity header " + header + " from the proxy " + problem, null, false, false);
            this.username = username;
        }

        /** The user the proxy named, printable and bounded, for the audit log ({@code ?} when unreadable). */
        public String username() {
            return username;
        }
    }

    /**
     * The identity in {@code headers}; empty when the user header is absent or blank (the
     * proxy vouched for nobody).
     */
    static Optional<Identity> read(Headers headers, ForwardAuthSettings settings) throws InvalidException {
        Optional<String> user = single(headers, settings.userHeader(), "?");
        if (user.isEmpty()) {
            return Optional.empty();
        }
        String username = user.get();
        String shown = shown(username);
        Optional<String> problem = UserFields.usernameProblem(username);
        if (problem.isPresent()) {
            throw new InvalidException(settings.userHeader(), "is not a Hivemind username: '" + shown + "' "
                    + problem.get(), shown);
        }
        List<String> unreadable = new ArrayList<>();
        Optional<String> email = readable(single(headers, settings.emailHeader(), shown), settings.emailHeader(),
                unreadable);
        if (email.isPresent()) {
            Optional<String> emailProblem = UserFields.emailProblem(email.get());
            if (emailProblem.isPresent()) {
                throw new InvalidException(settings.emailHeader(), emailProblem.get(), shown);
            }
        }
        Optional<String> displayName = Optional.empty();
        if (settings.nameHeader().isPresent()) {
            displayName = readable(single(headers, settings.nameHeader().get(), shown), settings.nameHeader().get(),
                    unreadable);
            if (displayName.isPresent()) {
                Optional<String> nameProblem = UserFields.displayNameProblem(displayName.get());
                if (nameProblem.isPresent()) {
                    throw new InvalidException(settings.nameHeader().get(), "is not a display name: it "
                            + nameProblem.get(), shown);
                }
            }
        }
        List<String> groups;
        Optional<String> groupsValue = single(headers, settings.groupsHeader(), shown);
        try {
            // One line only, like the other identity headers: a proxy that appends its groups
            // to a line the client sent would otherwise grant whatever the client wrote.
            groups = GroupsHeader.parse(groupsValue.orElse(null), settings.groupsDelimiter());
        } catch (GroupsHeaderException e) {
            throw new InvalidException(settings.groupsHeader(), "has more than " + e.limit() + " " + e.what()
                    + " (" + e.actual() + "): Hivemind refuses it rather than read part of it", shown);
        }
        return Optional.of(new Identity(username, email, displayName, groups, groupsValue.isPresent(), unreadable));
    }

    /** {@code value}, unless it held bytes beyond ASCII: then empty, and {@code header} noted. */
    private static Optional<String> readable(Optional<String> value, String header, List<String> unreadable) {
        if (value.isPresent() && value.get().indexOf(NOT_ASCII) >= 0) {
            unreadable.add(header);
            return Optional.empty();
        }
        return value;
    }

    /** The header's one value, stripped; empty when absent or blank. Two or more lines are refused. */
    private static Optional<String> single(Headers headers, String header, String username) throws InvalidException {
        List<String> values = headers.all(name(header), List::of);
        if (values.size() > 1) {
            throw new InvalidException(header, "was sent " + values.size() + " times: an identity must be one value",
                    username);
        }
        if (values.isEmpty() || values.getFirst().isBlank()
                || CADDY_PLACEHOLDER.matcher(values.getFirst().strip()).matches()) {
            return Optional.empty();
        }
        return Optional.of(values.getFirst().strip());
    }

    private static HeaderName name(String header) {
        return HeaderNames.create(header);
    }

    /** At most 64 characters, control characters as {@code ?}: safe for a log line and the audit log. */
    static String shown(String value) {
        return Printable.of(value, 64);
    }
}
