package com.seglamater.hivemind.agent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * {@link ServerLink} over HTTP to the server's admin socket ({@code /admin/v1}, docs/operators.md
 * "Admin socket"). Every request carries {@code Authorization: Bearer <token>} from
 * {@link AgentConfig#adminTokenFile()}; since the server writes a fresh token at every start, a
 * 401 makes the client reread the file and, when the token there changed, retry once.
 *
 * <p>Bounds: 5 s to connect; {@value #CALL_SECONDS} s per ordinary call; the drain and the
 * command long poll get their wait plus {@value #SLACK_SECONDS} s to read. Answers larger than
 * {@value #MAX_BODY_BYTES} bytes (the server's own request limit) are refused, and bodies are
 * read with {@link AdminJson#mapper()}, which refuses unknown fields, so a server of another
 * version is loud rather than half understood. A 4xx answer is a {@link ServerRefusedException},
 * anything else that is not a 2xx (or a network error, or an unreadable body) a plain
 * {@link ServerUnavailableException}; both have a one-line message with the status and the
 * server's {@code error} and {@code message}. Safe for concurrent use.
 *
 * <p>One class of about 300 lines on purpose: the admin socket's seven routes, a few lines each,
 * are read together with the one exchange they all go through (the token and its reread, the
 * bounds, the errors).
 */
public final class AdminClient implements ServerLink {

    public static final String PATH = "admin/v1";
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** The server's bounds for {@code timeoutSeconds} and {@code waitSeconds}. */
    public static final int MAX_DRAIN_SECONDS = 300;
    public static final int MAX_WAIT_SECONDS = 60;

    static final int CONNECT_SECONDS = 5;
    static final int CALL_SECONDS = 15;
    static final int SLACK_SECONDS = 10;
    /** How much of the server's error message goes into ours. */
    private static final int MAX_MESSAGE_CHARS = 300;
    private static final MediaType JSON = MediaType.get("application/json");
    private static final Logger LOG = Logger.getLogger(AdminClient.class.getName());

    private final HttpUrl base;
    private final AdminTokenFile token;
    private final OkHttpClient http;
    private final ObjectMapper json = AdminJson.mapper();
    /** Error bodies only: whatever the server says is worth showing, even from another version. */
    private final ObjectMapper lenient = new ObjectMapper();

    public AdminClient(AgentConfig config) {
        this(config.adminUrl(), config.adminTokenFile());
    }

    /** {@code adminUrl}: scheme, host, port and optionally a path prefix, e.g. {@code http://127.0.0.1:8586}. */
    public AdminClient(URI adminUrl, Path tokenFile) {
        HttpUrl url = HttpUrl.get(adminUrl);
        if (url == null) {
            throw new IllegalArgumentException("not an http(s) URL: " + adminUrl);
        }
        this.base = url;
        this.token = new AdminTokenFile(tokenFile);
        this.http = new OkHttpClient.Builder()
                .connectTimeout(Duration.ofSeconds(CONNECT_SECONDS))
                .readTimeout(Duration.ofSeconds(CALL_SECONDS))
                .writeTimeout(Duration.ofSeconds(CALL_SECONDS))
                .callTimeout(Duration.ofSeconds(CALL_SECONDS))
                // The admin socket never redirects; following one would send the token elsewhere.
                .followRedirects(false)
                .followSslRedirects(false)
                .build();
    }

    @Override
    public ServerStatus status() throws ServerUnavailableException {
        return parse(exchange(get("status"), http), ServerStatus.class);
    }

    @Override
    public DrainResult drain(Duration timeout) throws ServerUnavailableException {
        int seconds = wholeSeconds(timeout, MAX_DRAIN_SECONDS, "drain timeout");
        Call call = post("drain", null).query("timeoutSeconds", seconds);
        return parse(exchange(call, waiting(seconds)), DrainResult.class);
    }

    @Override
    public void undrain() throws ServerUnavailableException {
        // The answer is the server's status; the 2xx is what counts here.
        exchange(post("undrain", null), http);
    }

    @Override
    public void reportStatus(AgentStatus status) throws ServerUnavailableException {
        exchange(new Call("PUT", "update-status", body(status)), http);
    }

    @Override
    public void reportEvent(UpdateEvent event) throws ServerUnavailableException {
        // 201 stored, 200 stored before (a redelivery): both mean the server has it.
        exchange(post("update-events", body(event)), http);
    }

    @Override
    public PendingCommands commands(Duration wait) throws ServerUnavailableException {
        int seconds = wholeSeconds(wait, MAX_WAIT_SECONDS, "command wait");
        Call call = get("commands").query("waitSeconds", seconds);
        return parse(exchange(call, waiting(seconds)), PendingCommands.class);
    }

    @Override
    public void commandResult(CommandResult result) throws ServerUnavailableException {
        Call call = post("commands/" + result.commandId() + "/result", body(result));
        Answer answer = exchange(call, http, 404, 409);
        if (answer.code() == 404) {
            LOG.info(() -> "command " + result.commandId() + " is unknown to the server (404); its result is dropped");
        } else if (answer.code() == 409) {
            LOG.info(() -> "command " + result.commandId() + " already had a result (409); this one is dropped");
        }
    }

    // ---- one request --------------------------------------------------------------------

    /** A request before its token: method, route under {@value #PATH}, optional query and body. */
    private final class Call {
        final String method;
        final HttpUrl.Builder url;
        final RequestBody body;
        final String what;

        Call(String method, String route, RequestBody body) {
            this.method = method;
            this.url = base.newBuilder().addPathSegments(PATH + "/" + route);
            this.body = body;
            this.what = method + " /" + PATH + "/" + route;
        }

        Call query(String name, int value) {
            url.addQueryParameter(name, Integer.toString(value));
            return this;
        }

        Request request(String bearer) {
            return new Request.Builder().url(url.build()).method(method, body)
                    .header("Authorization", "Bearer " + bearer)
                    .header("Accept", "application/json")
                    .build();
        }
    }

    private record Answer(int code, byte[] body) {
    }

    private Call get(String route) {
        return new Call("GET", route, null);
    }

    private Call post(String route, RequestBody body) {
        return new Call("POST", route, body == null ? RequestBody.create(new byte[0], null) : body);
    }

    /**
     * Sends {@code call}; a 401 rereads the token file and retries once if the token there is
     * a new one (the same token would be refused again). Returns 2xx answers and those in
     * {@code alsoFine}; anything else is thrown.
     */
    private Answer exchange(Call call, OkHttpClient client, int... alsoFine) throws ServerUnavailableException {
        String bearer = token.current();
        Answer answer = send(call, client, bearer);
        if (answer.code() == 401) {
            String fresh = token.reread(bearer);
            if (!fresh.equals(bearer)) {
                answer = send(call, client, fresh);
            }
            if (answer.code() == 401) {
                throw failure(call, answer, "; the token in " + token.file() + " (" + AgentConfig.ADMIN_TOKEN_FILE
                        + ") is not the running server's: do the server and the agent share that file?");
            }
        }
        if (answer.code() / 100 == 2) {
            return answer;
        }
        for (int fine : alsoFine) {
            if (answer.code() == fine) {
                return answer;
            }
        }
        throw failure(call, answer, "");
    }

    private Answer send(Call call, OkHttpClient client, String bearer) throws ServerUnavailableException {
        try (Response response = client.newCall(call.request(bearer)).execute()) {
            return new Answer(response.code(), bounded(response.body(), call));
        } catch (IOException e) {
            throw new ServerUnavailableException("admin socket " + base + " unreachable: " + call.what + ": "
                    + describe(e), e);
        }
    }

    private byte[] bounded(ResponseBody body, Call call) throws IOException, ServerUnavailableException {
        if (body.contentLength() > MAX_BODY_BYTES) {
            throw tooLarge(call);
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge(call);
            }
            return bytes;
        }
    }

    private ServerUnavailableException tooLarge(Call call) {
        return new ServerUnavailableException("admin socket: " + call.what + " answered with more than "
                + MAX_BODY_BYTES + " bytes");
    }

    private <T> T parse(Answer answer, Class<T> type) throws ServerUnavailableException {
        try {
            return json.readValue(answer.body(), type);
        } catch (JsonProcessingException e) {
            throw new ServerUnavailableException("admin socket answered " + answer.code() + " with a body that is not a "
                    + type.getSimpleName() + " (" + oneLine(e.getOriginalMessage()) + "); are the server and the agent"
                    + " the same release?");
        } catch (IOException e) {
            throw new ServerUnavailableException("admin socket answer cannot be read: " + describe(e));
        }
    }

    private ServerUnavailableException failure(Call call, Answer answer, String hint) {
        Optional<String> error = Optional.empty();
        Optional<String> message = Optional.empty();
        try {
            JsonNode tree = lenient.readTree(answer.body());
            if (tree != null && tree.path("error").isTextual()) {
                error = Optional.of(oneLine(tree.path("error").asText()));
            }
            if (tree != null && tree.path("message").isTextual()) {
                message = Optional.of(oneLine(tree.path("message").asText()));
            }
        } catch (IOException notJson) {
            // An answer from something else than the server (a proxy, a stub): the status says enough.
        }
        String text = "admin socket: " + call.what + " answered " + answer.code()
                + error.map(e -> " " + e).orElse("") + message.map(m -> ": " + m).orElse("") + hint;
        return answer.code() / 100 == 4
                ? new ServerRefusedException(text, answer.code(), error)
                : new ServerUnavailableException(text);
    }

    private RequestBody body(Object value) {
        try {
            return RequestBody.create(json.writeValueAsBytes(value), JSON);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("admin socket record is not serializable: " + value.getClass(), e);
        }
    }

    /** A client that reads for the server's own wait plus slack. */
    private OkHttpClient waiting(int seconds) {
        Duration read = Duration.ofSeconds(seconds + SLACK_SECONDS);
        return http.newBuilder().readTimeout(read).callTimeout(read.plusSeconds(CONNECT_SECONDS)).build();
    }

    /** Rounds up (a wait is a minimum), within the server's bounds. */
    static int wholeSeconds(Duration duration, int max, String what) {
        if (duration.isNegative() || duration.compareTo(Duration.ofSeconds(max)) > 0) {
            throw new IllegalArgumentException(what + " must be 0 to " + max + " s, not " + duration);
        }
        long seconds = duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0);
        return (int) Math.min(seconds, max);
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + oneLine(e.getMessage());
    }

    /** Server text in a log line: no line breaks or control characters, bounded. */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return flat.length() > MAX_MESSAGE_CHARS ? flat.substring(0, MAX_MESSAGE_CHARS) + "…" : flat;
    }
}
