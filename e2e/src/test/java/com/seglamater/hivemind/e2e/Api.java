package com.seglamater.hivemind.e2e;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A browser-like client of the JSON API through the reverse proxy: a session cookie and its CSRF token. */
final class Api {

    private final String base;
    private final HttpClient http;
    private final String bearer;
    private String csrf = "";

    Api(String base) {
        this(base, "");
    }

    /** With {@code Authorization: Bearer KEY} (an API token or the admin API key) when the key is not empty. */
    Api(String base, String bearer) {
        this.base = base;
        this.bearer = bearer;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    record Answer(int status, JsonNode json, String body) {
        Answer expect(int expected) {
            if (status != expected) {
                throw new AssertionError("expected " + expected + ", got " + status + ": " + body);
            }
            return this;
        }
    }

    Answer signIn(String username, String password) throws Exception {
        Answer answer = send("POST", "/api/v1/session", Map.of("username", username, "password", password));
        if (answer.status() == 200) {
            csrf = answer.json().path("csrfToken").asText(csrf);
        }
        return answer;
    }

    Answer get(String path) throws Exception {
        return send("GET", path, null);
    }

    Answer post(String path, Object body) throws Exception {
        return send("POST", path, body);
    }

    Answer send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (!csrf.isEmpty()) {
            request.header("X-CSRF-Token", csrf);
        }
        if (!bearer.isEmpty()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Stack.JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isBlank() ? Stack.JSON.nullNode() : Stack.JSON.readTree(response.body());
        return new Answer(response.statusCode(), json, response.body());
    }
}
