package com.seglamater.hivemind.agent.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.config.AgentConfig;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link HealthProbe} over HTTP: one {@code GET} of {@link AgentConfig#healthUrl()}, at most
 * {@value #TIMEOUT_SECONDS} s in all. The body is read leniently (a JSON tree; only the
 * top-level {@code status} and {@code version} strings are used), because a 503 from a server
 * that is starting or broken, or from a proxy in front of it, is still an answer: a body that
 * is not JSON, or larger than {@value #MAX_BODY_BYTES} bytes, gives a {@link Health} with the
 * HTTP status and nothing else. Only "nothing answered" is a {@link ServerUnavailableException}.
 */
public final class HttpHealthProbe implements HealthProbe {

    public static final int MAX_BODY_BYTES = 64 * 1024;
    static final int TIMEOUT_SECONDS = 5;

    private final HttpUrl url;
    private final OkHttpClient http;
    private final ObjectMapper lenient = new ObjectMapper();

    public HttpHealthProbe(AgentConfig config) {
        this(config.healthUrl());
    }

    public HttpHealthProbe(URI healthUrl) {
        HttpUrl parsed = HttpUrl.get(healthUrl);
        if (parsed == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + healthUrl);
        }
        this.url = parsed;
        Duration bound = Duration.ofSeconds(TIMEOUT_SECONDS);
        this.http = new OkHttpClient.Builder()
                .connectTimeout(bound)
                .readTimeout(bound)
                .callTimeout(bound)
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
    }

    @Override
    public Health probe() throws ServerUnavailableException {
        Request request = new Request.Builder().url(url).header("Accept", "application/json").build();
        try (Response response = http.newCall(request).execute()) {
            return health(response.code(), response.body());
        } catch (IOException e) {
            throw new ServerUnavailableException(url + " did not answer: " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : AdminClient.oneLine(e.getMessage())), e);
        }
    }

    private Health health(int code, ResponseBody body) throws IOException {
        if (body.contentLength() > MAX_BODY_BYTES) {
            return new Health(code, Optional.empty(), Optional.empty());
        }
        byte[] bytes;
        try (InputStream in = body.byteStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            return new Health(code, Optional.empty(), Optional.empty());
        }
        JsonNode tree;
        try {
            tree = lenient.readTree(bytes);
        } catch (IOException notJson) {
            return new Health(code, Optional.empty(), Optional.empty());
        }
        return new Health(code, text(tree, "status"), text(tree, "version"));
    }

    private static Optional<String> text(JsonNode tree, String field) {
        JsonNode node = tree == null ? null : tree.get(field);
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }
}
