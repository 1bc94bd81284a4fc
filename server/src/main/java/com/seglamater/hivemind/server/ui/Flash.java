package com.seglamater.hivemind.server.ui;

import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The message a page shows once after a form's post/redirect/get ("User alice created"), carried
 * by a short-lived cookie ({@value #COOKIE}, {@value #MAX_AGE_SECONDS} s, HttpOnly, SameSite=Lax)
 * that the next page shows and clears. The cookie is signed with HMAC-SHA256 under a key made at
 * start-up, so nobody else can put words on a Hivemind page (a sibling subdomain can set cookies
 * for this host); a restart forgets the key, and a message in flight then is simply not shown.
 * Why a cookie and not the session: the messages of signing out, of a failed sign-in and of the
 * first-run setup are for browsers that have no session.
 */
public final class Flash {

    static final String COOKIE = "hivemind_flash";
    static final int MAX_AGE_SECONDS = 60;
    /** A message is short text; more would not fit a cookie anyway. */
    static final int MAX_MESSAGE_CHARS = 500;

    /** How a message looks: a success, an error (announced at once by screen readers), or plain news. */
    public enum Kind {
        SUCCESS, ERROR, INFO;

        public String cssClass() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public record Message(Kind kind, String text) {
        public Message {
            Objects.requireNonNull(kind, "kind");
            text = text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "…" : text;
        }

        public static Message success(String text) {
            return new Message(Kind.SUCCESS, text);
        }

        public static Message error(String text) {
            return new Message(Kind.ERROR, text);
        }

        public static Message info(String text) {
            return new Message(Kind.INFO, text);
        }

        /** The ARIA role: errors interrupt ({@code alert}), the rest waits its turn ({@code status}). */
        public String role() {
            return kind == Kind.ERROR ? "alert" : "status";
        }
    }

    private final SecretKeySpec key;

    Flash(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** Sets the message for the page the browser opens next. */
    void set(ServerResponse res, Message message, boolean secure) {
        String payload = message.kind().name() + "\n" + message.text();
        String value = b64(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64(mac(payload));
        res.headers().addCookie(SetCookie.builder(COOKIE, value).path("/").httpOnly(true)
                .sameSite(SetCookie.SameSite.LAX).secure(secure).maxAge(Duration.ofSeconds(MAX_AGE_SECONDS)).build());
    }

    /** The message the request's cookie carries, if it has one with a valid signature. */
    Optional<Message> read(ServerRequest req) {
        if (!req.headers().contains(HeaderNames.COOKIE)) {
            return Optional.empty();
        }
        Optional<String> cookie = req.headers().cookies().first(COOKIE).asOptional();
        if (cookie.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = cookie.get().split("\\.", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[0]);
            String text = new String(payload, StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(mac(text), Base64.getUrlDecoder().decode(parts[1]))) {
                return Optional.empty();
            }
            int newline = text.indexOf('\n');
            return Optional.of(new Message(Kind.valueOf(text.substring(0, newline)), text.substring(newline + 1)));
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    /** Whether the request carries the cookie at all (shown or not, it is cleared). */
    boolean present(ServerRequest req) {
        return req.headers().contains(HeaderNames.COOKIE) && req.headers().cookies().contains(COOKIE);
    }

    void clear(ServerResponse res, boolean secure) {
        res.headers().addCookie(SetCookie.builder(COOKIE, "").path("/").httpOnly(true)
                .sameSite(SetCookie.SameSite.LAX).secure(secure).expires(Instant.EPOCH).build());
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
