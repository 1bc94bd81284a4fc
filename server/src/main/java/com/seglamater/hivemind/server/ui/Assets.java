package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.HeadRequests;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pages' static files (one stylesheet, one script, the icon), read from {@code /ui/} on the
 * class path once at start-up and served under names that carry a hash of their content
 * ({@code /assets/hivemind.3f1a9c20b4.css}): a browser may keep them for a year
 * ({@code immutable}), and a new release's file has a new name. {@code /favicon.ico}, which
 * browsers ask for on their own, gets the SVG icon.
 */
public final class Assets {

    /** The files, by their plain name; a new one is added here and to src/main/resources/ui/. */
    static final List<String> FILES = List.of("hivemind.css", "hivemind.js", "favicon.svg");
    static final String CACHE_FOREVER = "public, max-age=31536000, immutable";

    private final Map<String, Asset> byPlainName = new LinkedHashMap<>();
    private final Map<String, Asset> byServedName = new LinkedHashMap<>();

    /** One file: its served name, bytes, media type and entity tag (the hash). */
    record Asset(String servedName, byte[] bytes, String contentType, String etag) {
    }

    private Assets() {
    }

    public static Assets load() {
        Assets assets = new Assets();
        for (String name : FILES) {
            byte[] bytes = read(name);
            String hash = HexFormat.of().formatHex(sha256(bytes)).substring(0, 10);
            int dot = name.lastIndexOf('.');
            String served = name.substring(0, dot) + "." + hash + name.substring(dot);
            Asset asset = new Asset(served, bytes, contentType(name), "\"" + hash + "\"");
            assets.byPlainName.put(name, asset);
            assets.byServedName.put(served, asset);
        }
        return assets;
    }

    /** The path a page links {@code name} (a plain name of {@link #FILES}) by. */
    public String path(String name) {
        Asset asset = byPlainName.get(name);
        if (asset == null) {
            throw new IllegalArgumentException("no asset " + name + " (Assets.FILES lists them)");
        }
        return "/assets/" + asset.servedName();
    }

    /** The bytes of all assets together (docs/benchmarks.md reports it). */
    public int totalBytes() {
        return byPlainName.values().stream().mapToInt(a -> a.bytes().length).sum();
    }

    void serve(ServerRequest req, ServerResponse res) {
        Asset asset = Optional.ofNullable(byServedName.get(req.path().pathParameters().get("name")))
                .orElseThrow(() -> ApiException.notFound("no such asset: " + req.path().path()));
        send(req, res, asset, CACHE_FOREVER);
    }

    void favicon(ServerRequest req, ServerResponse res) {
        // Not content-named, so only a day: a new icon shows within one.
        send(req, res, byPlainName.get("favicon.svg"), "public, max-age=86400");
    }

    private static void send(ServerRequest req, ServerResponse res, Asset asset, String cacheControl) {
        res.header(HeaderNames.CACHE_CONTROL, cacheControl);
        res.header(HeaderNames.ETAG, asset.etag());
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(tags -> tags.contains(asset.etag())).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304).send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        HeadRequests.send(res, asset.bytes());
    }

    private static String contentType(String name) {
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        throw new IllegalArgumentException("no media type for " + name);
    }

    private static byte[] read(String name) {
        try (InputStream in = Assets.class.getResourceAsStream("/ui/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /ui/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
