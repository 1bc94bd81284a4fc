package com.seglamater.hivemind.server.web;

import io.helidon.webserver.http.ServerRequest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Query and path parameters, checked: a malformed one is a 400 naming it (a bad path id is a 404). */
public final class Params {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    public static final int MAX_TEXT = 256;
    private static final Instant FIRST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant AFTER_LAST = Instant.parse("+10000-01-01T00:00:00Z");

    private Params() {
    }

    public static Optional<String> text(ServerRequest req, String name) {
        Optional<String> value = req.query().first(name).asOptional().filter(v -> !v.isEmpty());
        if (value.isPresent() && (value.get().length() > MAX_TEXT || value.get().chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest("invalid_parameter", name + " must be at most " + MAX_TEXT
                    + " printable characters");
        }
        return value;
    }

    public static int integer(ServerRequest req, String name, int defaultValue, int min, int max) {
        Optional<String> value = text(req, name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        if (!DIGITS.matcher(value.get()).matches() || Long.parseLong(value.get()) < min || Long.parseLong(value.get()) > max) {
            throw ApiException.badRequest("invalid_parameter", name + " must be a whole number from " + min + " to " + max);
        }
        return Integer.parseInt(value.get());
    }

    public static Optional<Long> id(ServerRequest req, String name) {
        Optional<String> value = text(req, name);
        if (value.isPresent() && !DIGITS.matcher(value.get()).matches()) {
            throw ApiException.badRequest("invalid_parameter", name + " must be a positive whole number");
        }
        return value.map(Long::parseLong);
    }

    public static Optional<Boolean> bool(ServerRequest req, String name) {
        return text(req, name).map(v -> switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("invalid_parameter", name + " must be true or false");
        });
    }

    public static Optional<Instant> instant(ServerRequest req, String name) {
        return text(req, name).map(v -> {
            try {
                Instant instant = Instant.parse(v);
                // PostgreSQL's timestamptz ends at year 294276 and Instant goes far beyond; a
                // year outside 1–9999 is a typo, not a filter.
                if (instant.isBefore(FIRST) || !instant.isBefore(AFTER_LAST)) {
                    throw ApiException.badRequest("invalid_parameter", name + " must be a time in the years 1 to 9999");
                }
                return instant;
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("invalid_parameter", name
                        + " must be an RFC 3339 UTC time such as 2026-11-24T08:00:00Z");
            }
        });
    }

    /** A numeric path segment such as {@code /sessions/{id}}; anything else names no resource. */
    public static long pathId(ServerRequest req, String name, String what) {
        String value = req.path().pathParameters().get(name);
        if (!DIGITS.matcher(value).matches()) {
            throw ApiException.notFound("no such " + what + ": " + value);
        }
        return Long.parseLong(value);
    }
}
