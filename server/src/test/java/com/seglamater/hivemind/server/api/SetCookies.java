package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.testing.ApiClient;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A Set-Cookie header taken apart: its value and its attributes (names lower-cased; flags map to ""). */
record SetCookies(String name, String value, Map<String, String> attributes) {

    static SetCookies of(ApiClient.Response response, String name) {
        String header = response.setCookie(name)
                .orElseThrow(() -> new AssertionError("no Set-Cookie for " + name + " in " + response.setCookies()));
        String[] parts = header.split(";");
        String pair = parts[0];
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].strip();
            int eq = part.indexOf('=');
            if (eq < 0) {
                attributes.put(part.toLowerCase(Locale.ROOT), "");
            } else {
                attributes.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
            }
        }
        return new SetCookies(name, pair.substring(pair.indexOf('=') + 1), attributes);
    }

    boolean has(String flag) {
        return attributes.containsKey(flag.toLowerCase(Locale.ROOT));
    }

    String attribute(String attribute) {
        return attributes.get(attribute.toLowerCase(Locale.ROOT));
    }

    /**
     * The cookie is being removed (RFC 6265 §5.3): empty value, on the same path, and already
     * expired, by {@code Max-Age=0} or an {@code Expires} in the past (Helidon writes the latter).
     */
    void assertCleared() {
        assertThat(value).as(name + " value").isEmpty();
        assertThat(attribute("Path")).as(name + " Path").isEqualTo("/");
        String maxAge = attribute("Max-Age");
        String expires = attribute("Expires");
        assertThat(maxAge != null || expires != null).as(name + " has Max-Age or Expires: " + attributes).isTrue();
        if (maxAge != null) {
            assertThat(Long.parseLong(maxAge)).as(name + " Max-Age").isLessThanOrEqualTo(0);
        } else {
            Instant at = ZonedDateTime.parse(expires, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertThat(at).as(name + " Expires").isBefore(Instant.now().minus(Duration.ofDays(365)));
        }
    }
}
