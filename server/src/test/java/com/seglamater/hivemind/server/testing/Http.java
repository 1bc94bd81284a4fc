package com.seglamater.hivemind.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A small HTTP client for tests: send a request to 127.0.0.1, get status, headers and parsed JSON. */
public final class Http {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Http() {
    }

    public record Response(int status, String contentType, HttpHeaders headers, JsonNode json) {
    }

    public static Response get(int port, String path) throws IOException, InterruptedException {
        return send(request(port, path).GET());
    }

    /** GET or POST (empty body), with {@code headers} as name, value pairs. */
    public static Response send(String method, int port, String path, String... headers)
            throws IOException, InterruptedException {
        return send(request(port, path, headers).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    public static CompletableFuture<Response> sendAsync(String method, int port, String path, String... headers) {
        return CLIENT.sendAsync(request(port, path, headers).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).thenApply(Http::response);
    }

    private static HttpRequest.Builder request(int port, String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return response(CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static Response response(HttpResponse<String> response) {
        try {
            return new Response(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers(),
                    MAPPER.readTree(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("response body is not JSON: " + response.body(), e);
        }
    }
}
