package com.seglamater.hivemind.agent.channel;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.StatementCodec;
import com.seglamater.hivemind.model.version.JarVersion;
import okhttp3.Call;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLException;

/**
 * {@link ChannelSource} over HTTPS with OkHttp: {@code GET <base>/channels/<channel>/latest.json},
 * conditional on the validators of the last accepted statement, then (only when that answered
 * 200) an unconditional {@code GET latest.json.asc}. An idle poll is therefore one request
 * answered by a bodiless 304.
 *
 * <p>What it refuses to do, and why (DESIGN.md "Release files", rule 1, and STYLE.md "bounded
 * everything"):
 * <ul>
 *   <li>read more than limit + 1 bytes of a body ({@link StatementCodec#MAX_STATEMENT_BYTES},
 *       {@link DetachedSignatureVerifier#MAX_SIGNATURE_BYTES}), whatever Content-Length says:
 *       the verifier's size rule then refuses the cut body with its own reason;</li>
 *   <li>take longer than {@link Timeouts#fetch} for a whole fetch (both files, every redirect),
 *       so a host trickling bytes cannot hold the agent;</li>
 *   <li>speak plain HTTP, except to a loopback host when {@code allowHttpLoopback}; a redirect
 *       is followed (at most {@value #MAX_REDIRECTS}) only to a URL that passes the same rule,
 *       so a redirect can never downgrade to HTTP;</li>
 *   <li>keep cookies or a cache, or ask for compressed bodies (the bytes fetched are the bytes
 *       verified).</li>
 * </ul>
 *
 * <p>A missing signature ({@code latest.json.asc} answered 404 or 410) is returned as
 * {@link ChannelFetch.Fetched} without a signature: the verifier refuses it as unsigned
 * ("signature file is missing"), so the refusal is reported like every other signature failure,
 * with the verifier's code and reason, instead of as an outage of the host.
 *
 * <p>Callers should keep the validators of a fetch only once its statement was accepted:
 * a poll sent with the validators of a refused statement would be answered 304 until the
 * next publish, even when only the signature fetched alongside it was stale.
 */
public final class ChannelClient implements ChannelSource {

    /** Redirects followed per file; static hosts and buckets rarely need more than one. */
    public static final int MAX_REDIRECTS = 3;

    private static final byte[] NO_BYTES = new byte[0];

    /**
     * @param connect bound of opening the connection (TCP and TLS handshake)
     * @param read    longest silence while reading an answer
     * @param fetch   bound of one whole {@link #fetch}: both files, every redirect
     */
    public record Timeouts(Duration connect, Duration read, Duration fetch) {
        public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20),
                Duration.ofSeconds(30));

        public Timeouts {
            for (Duration d : new Duration[] {connect, read, fetch}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("timeouts must be positive, not " + d);
                }
            }
        }
    }

    private final HttpUrl base;
    private final boolean allowHttpLoopback;
    private final Timeouts timeouts;
    private final OkHttpClient client;
    private final String userAgent;
    /** The ticker the whole-fetch bound is kept on across files and redirects. */
    private final LongSupplier nanoTime;

    public ChannelClient(AgentConfig config) {
        this(config.updateUrl(), config.allowHttpLoopback(), Timeouts.DEFAULTS);
    }

    public ChannelClient(URI base, boolean allowHttpLoopback, Timeouts timeouts) {
        this(base, allowHttpLoopback, timeouts, new OkHttpClient());
    }

    /**
     * For tests and benchmarks: {@code template} brings what the host needs (trust of a test
     * certificate, a counting socket factory, a shared connection pool). The safety settings
     * above are applied over it, so it cannot turn them off.
     */
    public ChannelClient(URI base, boolean allowHttpLoopback, Timeouts timeouts, OkHttpClient template) {
        this(base, allowHttpLoopback, timeouts, template, System::nanoTime);
    }

    /**
     * For tests: {@code nanoTime} stands for {@link System#nanoTime} where the agent decides what is
     * left of the whole-fetch bound (OkHttp still enforces each call's share in real time).
     */
    ChannelClient(URI base, boolean allowHttpLoopback, Timeouts timeouts, OkHttpClient template,
                  LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.base = Objects.requireNonNull(HttpUrl.get(base.toString()), "base");
        this.allowHttpLoopback = allowHttpLoopback;
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        if (!allowed(this.base)) {
            throw new IllegalArgumentException(refusal(this.base));
        }
        this.client = template.newBuilder()
                .connectTimeout(timeouts.connect())
                .readTimeout(timeouts.read())
                .writeTimeout(timeouts.read())
                .callTimeout(timeouts.fetch())
                .followRedirects(false)
                .followSslRedirects(false)
                .cookieJar(CookieJar.NO_COOKIES)
                .cache(null)
                .build();
        this.userAgent = "hivemind-updater/" + JarVersion.of(ChannelClient.class);
    }

    @Override
    public ChannelFetch fetch(String channel, ChannelFetch.Validators validators) {
        Names.requireChannel(channel);
        long deadline = nanoTime.getAsLong() + timeouts.fetch().toNanos();
        HttpUrl statementUrl = fileUrl(channel, "latest.json");
        HttpUrl signatureUrl = fileUrl(channel, "latest.json.asc");
        try {
            Answer statement = get(statementUrl, validators, StatementCodec.MAX_STATEMENT_BYTES, deadline);
            switch (statement.status()) {
                case 200 -> {
                }
                case 304 -> {
                    return validators.equals(ChannelFetch.Validators.NONE)
                            ? new ChannelFetch.Unreachable(shown(statementUrl) + " answered 304 to an unconditional request")
                            : new ChannelFetch.NotModified();
                }
                case 404, 410 -> {
                    return new ChannelFetch.NoRelease(statement.status());
                }
                default -> {
                    return unexpected(statementUrl, statement.status());
                }
            }
            Answer signature = get(signatureUrl, ChannelFetch.Validators.NONE,
                    DetachedSignatureVerifier.MAX_SIGNATURE_BYTES, deadline);
            return switch (signature.status()) {
                case 200 -> new ChannelFetch.Fetched(statement.body(), Optional.of(signature.body()),
                        statement.validators());
                // An unsigned statement; the verifier refuses the missing signature (see the class comment).
                case 404, 410 -> new ChannelFetch.Fetched(statement.body(), Optional.empty(), statement.validators());
                default -> unexpected(signatureUrl, signature.status());
            };
        } catch (Refused e) {
            return new ChannelFetch.Unreachable(e.getMessage());
        }
    }

    private HttpUrl fileUrl(String channel, String file) {
        return base.newBuilder().addPathSegment("channels").addPathSegment(channel).addPathSegment(file).build();
    }

    /** One file's answer: status, body (200 only, at most limit + 1 bytes) and its validators. */
    private record Answer(int status, byte[] body, ChannelFetch.Validators validators) {
    }

    /** A fetch that cannot go on; its message is the one-line reason reported. */
    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private Answer get(HttpUrl url, ChannelFetch.Validators validators, int limit, long deadline) throws Refused {
        HttpUrl current = url;
        for (int redirects = 0; ; redirects++) {
            long remaining = deadline - nanoTime.getAsLong();
            if (remaining <= 0) {
                throw new Refused(shown(url) + ": no answer within " + format(timeouts.fetch()));
            }
            Request.Builder request = new Request.Builder().url(current).get()
                    .header("User-Agent", userAgent)
                    .header("Accept-Encoding", "identity");
            validators.etag().ifPresent(tag -> request.header("If-None-Match", tag));
            validators.lastModified().ifPresent(date -> request.header("If-Modified-Since", date));
            Call call = client.newCall(request.build());
            call.timeout().timeout(remaining, TimeUnit.NANOSECONDS);
            // Bodies other than a 200's are never read, not even to keep the connection: cancelling
            // before the response closes stops OkHttp from draining them.
            try (Response response = call.execute()) {
                if (response.isRedirect()) {
                    call.cancel();
                    current = redirectTarget(current, response, redirects);
                    continue;
                }
                if (response.code() != 200) {
                    if (response.code() != 304) {
                        call.cancel();
                    }
                    return new Answer(response.code(), NO_BYTES, ChannelFetch.Validators.NONE);
                }
                byte[] body = readAtMost(call, response.body().source(), limit + 1L);
                return new Answer(200, body, new ChannelFetch.Validators(
                        Optional.ofNullable(response.header("ETag")),
                        Optional.ofNullable(response.header("Last-Modified"))));
            } catch (IOException e) {
                throw new Refused(shown(current) + ": " + describe(e, deadline));
            }
        }
    }

    private HttpUrl redirectTarget(HttpUrl from, Response response, int redirects) throws Refused {
        String location = response.header("Location");
        HttpUrl to = location == null ? null : from.resolve(location);
        if (to == null) {
            throw new Refused(shown(from) + ": redirect (" + response.code() + ") without a usable Location");
        }
        if (redirects >= MAX_REDIRECTS) {
            throw new Refused(shown(from) + ": more than " + MAX_REDIRECTS + " redirects");
        }
        if (!allowed(to)) {
            throw new Refused(shown(from) + ": redirect to " + shown(to) + " refused: " + refusal(to));
        }
        return to;
    }

    /**
     * Reads until end of body or {@code max} bytes. On reaching {@code max}, the call is cancelled
     * before the body is closed: closing an unfinished body would otherwise make OkHttp read
     * (discard) the rest to keep the connection.
     */
    private static byte[] readAtMost(Call call, BufferedSource source, long max) throws IOException {
        Buffer buffer = new Buffer();
        while (buffer.size() < max) {
            if (source.read(buffer, max - buffer.size()) == -1) {
                return buffer.readByteArray();
            }
        }
        call.cancel();
        return buffer.readByteArray();
    }

    private boolean allowed(HttpUrl url) {
        return url.isHttps() || allowHttpLoopback && AgentConfig.isLoopback(url.host());
    }

    private String refusal(HttpUrl url) {
        return "plain HTTP to " + url.host() + (allowHttpLoopback ? " (only loopback hosts may use plain HTTP)"
                : " (release trees are fetched over HTTPS)");
    }

    private String describe(IOException e, long deadline) {
        if (e instanceof InterruptedIOException && nanoTime.getAsLong() - deadline >= 0) {
            return "no complete answer within " + format(timeouts.fetch());
        }
        String what = switch (e) {
            case UnknownHostException u -> "unknown host";
            case ConnectException c -> "connection refused";
            case NoRouteToHostException n -> "no route to host";
            case SocketTimeoutException t -> "timed out";
            case SSLException s -> "TLS failure";
            default -> "network error";
        };
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return what + " (" + message.lines().findFirst().orElse("").strip() + ")";
    }

    /** A URL for a reason line: without user info, query or fragment, which may carry secrets. */
    private static String shown(HttpUrl url) {
        return url.newBuilder().username("").password("").query(null).fragment(null).build().toString();
    }

    private static ChannelFetch unexpected(HttpUrl url, int status) {
        return new ChannelFetch.Unreachable(shown(url) + " answered HTTP " + status);
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
