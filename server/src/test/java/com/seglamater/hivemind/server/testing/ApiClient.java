package com.seglamater.hivemind.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A browser-like client for the API on 127.0.0.1: keeps the cookies the server sets (and
 * drops those it clears), sends them back, and can add any header (Origin, X-CSRF-Token,
 * X-Forwarded-For, Authorization). Each instance is one browser.
 */
public final class ApiClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final int port;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Map<String, String> defaultHeaders = new LinkedHashMap<>();

    public ApiClient(int port) {
        this.port = port;
    }

    /** A response; {@code json} is null when the body is empty or not JSON. */
    public record Response(int status, HttpHeaders headers, String body, JsonNode json) {
        public String error() {
            return json == null ? null : json.path("error").asText(null);
        }

        public List<String> setCookies() {
            return headers.allValues("Set-Cookie");
        }

        public Optional<String> setCookie(String name) {
            return setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Sends this header on every request of this client (e.g. an Authorization bearer). */
    public ApiClient always(String name, String value) {
        defaultHeaders.put(name, value);
        return this;
    }

    public Map<String, String> cookies() {
        return cookies;
    }

    public String cookie(String name) {
        return cookies.get(name);
    }

    public Response get(String path, String... headers) {
        return send("GET", path, null, headers);
    }

    public Response delete(String path, String... headers) {
        return send("DELETE", path, null, headers);
    }

    public Response post(String path, String json, String... headers) {
        return send("POST", path, json, headers);
    }

    public Response put(String path, String json, String... headers) {
        return send("PUT", path, json, headers);
    }

    public Response patch(String path, String json, String... headers) {
        return send("PATCH", path, json, headers);
    }

    /** A browser opening a page: {@code Accept: text/html}, as browsers send for navigations. */
    public Response page(String path, String... headers) {
        return send("GET", path, null, withHtml(headers));
    }

    /**
     * A browser sending a page's form: {@code body} is already {@code application/x-www-form-urlencoded}
     * ({@link #formBody} makes one); {@code Accept: text/html}.
     */
    public Response form(String path, String body, String... headers) {
        String[] all = withHtml(headers);
        String[] more = new String[all.length + 2];
        more[0] = "Content-Type";
        more[1] = "application/x-www-form-urlencoded";
        System.arraycopy(all, 0, more, 2, all.length);
        return send("POST", path, body, more);
    }

    /** A form's body from name, value pairs, each encoded. */
    public static String formBody(String... pairs) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.add(java.net.URLEncoder.encode(pairs[i], java.nio.charset.StandardCharsets.UTF_8) + "="
                    + java.net.URLEncoder.encode(pairs[i + 1], java.nio.charset.StandardCharsets.UTF_8));
        }
        return String.join("&", fields);
    }

    private static String[] withHtml(String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Accept";
        all[1] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return all;
    }

    /** As the UI would: the CSRF header from the {@code hivemind_csrf} cookie added to a state-changing request. */
    public Response postWithCsrf(String path, String json, String... headers) {
        return send("POST", path, json, withCsrf(headers));
    }

    public Response putWithCsrf(String path, String json, String... headers) {
        return send("PUT", path, json, withCsrf(headers));
    }

    public Response patchWithCsrf(String path, String json, String... headers) {
        return send("PATCH", path, json, withCsrf(headers));
    }

    public Response deleteWithCsrf(String path, String... headers) {
        return send("DELETE", path, null, withCsrf(headers));
    }

    private String[] withCsrf(String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "X-CSRF-Token";
        all[1] = cookies.getOrDefault("hivemind_csrf", "");
        System.arraycopy(headers, 0, all, 2, headers.length);
        return all;
    }

    /** {@code json} null: no body; headers as name, value pairs ({@code Content-Type} may be overridden). */
    public Response send(String method, String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        Map<String, String> all = new LinkedHashMap<>(defaultHeaders);
        if (json != null) {
            all.put("Content-Type", "application/json");
        }
        // Given headers win over the defaults above, whatever their case.
        for (int i = 0; i < headers.length; i += 2) {
            String name = headers[i];
            all.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        }
        for (int i = 0; i < headers.length; i += 2) {
            all.put(headers[i], headers[i + 1]);
        }
        if (!cookies.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            cookies.forEach((k, v) -> pairs.add(k + "=" + v));
            all.put("Cookie", String.join("; ", pairs));
        }
        all.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            keep(setCookie);
        }
        return new Response(response.statusCode(), response.headers(), response.body(), parse(response.body()));
    }

    private void keep(String setCookie) {
        String pair = setCookie.split(";", 2)[0];
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq).strip();
        String value = pair.substring(eq + 1).strip();
        boolean expired = setCookie.toLowerCase().contains("max-age=0") || value.isEmpty();
        if (expired) {
            cookies.remove(name);
        } else {
            cookies.put(name, value);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
