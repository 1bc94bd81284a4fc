package com.seglamater.hivemind.agent.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hivemind server as the agent sees it over HTTP, on one MockWebServer: the admin socket's
 * {@code /admin/v1} routes (bearer token, strict JSON with {@link AdminJson#mapper()}, the
 * answers of {@code server/.../admin/AdminService} and {@code server/.../updates/AgentService})
 * and {@code /health}, which reports the version of the image the server's container runs
 * (asked of the fake docker) and 503 {@code DRAINING} from a drain until that container is
 * replaced or undrained, as the real server does.
 *
 * <p>Like the real server, each new server container writes a fresh admin token to the token
 * file (when it is first asked something), so the agent's cached token is refused once after
 * every restart of the server; and a new container drops the first {@link #startingProbes}
 * connections to {@code /health}, as a server that is still starting does not answer.
 *
 * <p>The command long poll answers at once when commands are queued and otherwise holds for
 * at most {@link #HOLD} (not the agent's full wait, so tests end quickly). {@link #outage}
 * switches the dispatcher to one that answers 503 on every admin route.
 */
public final class FakeHivemindServer implements AutoCloseable {

    static final Duration HOLD = Duration.ofSeconds(1);
    private static final Pattern RESULT = Pattern.compile("/admin/v1/commands/([0-9]+)/result");

    private final MockWebServer server = new MockWebServer();
    private final ObjectMapper json = AdminJson.mapper();
    private final Path tokenFile;
    private String token; // guarded by this
    private Optional<String> tokenContainer = Optional.empty(); // guarded by this
    private final Supplier<Optional<String>> serverImage;
    private final Supplier<Optional<String>> serverContainer;
    private final Map<String, String> versionOfImage = new ConcurrentHashMap<>();
    private final Dispatcher normal = new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            return answer(request);
        }
    };
    private final Dispatcher outage = new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            if (request.getUrl().encodedPath().startsWith("/admin/")) {
                refusedDuringOutage.incrementAndGet();
                return json(503, "{\"error\":\"unavailable\",\"message\":\"the server is restarting (test)\"}");
            }
            return answer(request);
        }
    };

    public final List<AgentStatus> statuses = new CopyOnWriteArrayList<>();
    /** Events stored, each once (by id), in the order they arrived. */
    public final List<UpdateEvent> events = new CopyOnWriteArrayList<>();
    public final List<CommandResult> results = new CopyOnWriteArrayList<>();
    public final AtomicLong refusedDuringOutage = new AtomicLong();
    /** Requests answered 401 because they carried a token of an earlier server container. */
    public final AtomicLong refusedTokens = new AtomicLong();
    /** How many /health requests each new server container leaves unanswered while it "starts". */
    public volatile int startingProbes = 1;
    private final Map<String, Integer> probesOfContainer = new ConcurrentHashMap<>();
    /** Called at each drain and undrain, e.g. to put them on the fake docker's timeline. */
    public volatile Consumer<String> onAdminCall = s -> { };

    private final Set<String> eventIds = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<OperatorCommand> queue = new LinkedBlockingQueue<>();
    private final Set<Long> issued = ConcurrentHashMap.newKeySet();
    private final Set<Long> completed = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextCommand = new AtomicLong(100);
    /** The container a drain was asked of; /health is 503 DRAINING while it still runs. */
    private volatile Optional<String> drainedContainer = Optional.empty();

    /**
     * @param serverImage     the image the server's container runs now
     * @param serverContainer the id of that container (a new one after each recreate)
     */
    public FakeHivemindServer(Path tokenFile, Supplier<Optional<String>> serverImage,
                              Supplier<Optional<String>> serverContainer) throws IOException {
        this.tokenFile = tokenFile;
        this.serverImage = serverImage;
        this.serverContainer = serverContainer;
        token();
        server.setDispatcher(normal);
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    /** {@code HIVEMIND_ADMIN_URL}. */
    public URI adminUrl() {
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    /** {@code HIVEMIND_HEALTH_URL}. */
    public URI healthUrl() {
        return URI.create("http://127.0.0.1:" + server.getPort() + "/health");
    }

    /** The server image's version, as its {@code /health} reports it. */
    public void version(String image, String version) {
        versionOfImage.put(image, version);
    }

    /** Queues an operator command; returns its id. */
    public long queue(OperatorCommand.Kind kind, Optional<String> version) {
        long id = nextCommand.getAndIncrement();
        queue.add(new OperatorCommand(id, kind, version, "admin", Instant.now()));
        return id;
    }

    public Optional<CommandResult> result(long commandId) {
        return results.stream().filter(r -> r.commandId() == commandId).findFirst();
    }

    /** Every admin route answers 503 until {@code outage(false)}. */
    public void outage(boolean on) {
        server.setDispatcher(on ? outage : normal);
    }

    public List<String> eventKinds() {
        return events.stream().map(e -> e.kind().wireName()).toList();
    }

    /** The kinds of the events about moving to {@code version}, in the order they arrived. */
    public List<String> eventKindsTo(String version) {
        return events.stream().filter(e -> e.toVersion().equals(Optional.of(version))).map(e -> e.kind().wireName()).toList();
    }

    public Optional<AgentStatus> lastStatus() {
        List<AgentStatus> all = new ArrayList<>(statuses);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    @Override
    public void close() {
        server.close();
    }

    private MockResponse answer(RecordedRequest request) throws InterruptedException {
        String path = request.getUrl().encodedPath();
        String method = request.getMethod();
        if (path.equals("/health") && method.equals("GET")) {
            return health();
        }
        if (!path.startsWith("/admin/v1/")) {
            return json(404, "{\"error\":\"not_found\",\"message\":\"no route\"}");
        }
        if (!("Bearer " + token()).equals(request.getHeaders().get("Authorization"))) {
            refusedTokens.incrementAndGet();
            return new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Bearer")
                    .addHeader("Content-Type", "application/json")
                    .body("{\"error\":\"unauthorized\",\"message\":\"the admin token is not valid\"}").build();
        }
        try {
            String route = method + " " + path;
            Matcher result = RESULT.matcher(path);
            return switch (route) {
                case "GET /admin/v1/status" -> ok(new ServerStatus(healthStatus(), currentVersion().orElse("unknown"), 0));
                case "POST /admin/v1/drain" -> {
                    onAdminCall.accept("drain");
                    drainedContainer = serverContainer.get();
                    yield ok(new DrainResult(true, 0));
                }
                case "POST /admin/v1/undrain" -> {
                    onAdminCall.accept("undrain");
                    drainedContainer = Optional.empty();
                    yield ok(new ServerStatus(healthStatus(), currentVersion().orElse("unknown"), 0));
                }
                case "PUT /admin/v1/update-status" -> {
                    statuses.add(json.readValue(request.getBody().toByteArray(), AgentStatus.class));
                    yield new MockResponse.Builder().code(204).build();
                }
                case "POST /admin/v1/update-events" -> {
                    UpdateEvent event = json.readValue(request.getBody().toByteArray(), UpdateEvent.class);
                    boolean created = eventIds.add(event.id());
                    if (created) {
                        events.add(event);
                    }
                    yield json(created ? 201 : 200, "{\"id\":" + json.writeValueAsString(event.id())
                            + ",\"created\":" + created + "}");
                }
                case "GET /admin/v1/commands" -> commands(request);
                default -> {
                    if (method.equals("POST") && result.matches()) {
                        yield commandResult(Long.parseLong(result.group(1)), request);
                    }
                    yield json(404, "{\"error\":\"not_found\",\"message\":\"no route " + route + "\"}");
                }
            };
        } catch (IOException e) {
            return json(400, "{\"error\":\"invalid_json\",\"message\":\"the body is not valid\"}");
        }
    }

    private MockResponse commands(RecordedRequest request) throws InterruptedException, JsonProcessingException {
        String wait = request.getUrl().queryParameter("waitSeconds");
        if (wait == null || !wait.matches("[0-9]{1,2}") || Integer.parseInt(wait) > 60) {
            return json(400, "{\"error\":\"invalid_parameter\",\"message\":\"waitSeconds must be 0 to 60\"}");
        }
        long holdMillis = Math.min(Integer.parseInt(wait) * 1000L, HOLD.toMillis());
        List<OperatorCommand> handed = new ArrayList<>();
        OperatorCommand first = queue.poll(holdMillis, TimeUnit.MILLISECONDS);
        if (first != null) {
            handed.add(first);
            queue.drainTo(handed);
        }
        handed.forEach(c -> issued.add(c.id()));
        return ok(new PendingCommands(handed));
    }

    private MockResponse commandResult(long id, RecordedRequest request) throws IOException {
        CommandResult result = json.readValue(request.getBody().toByteArray(), CommandResult.class);
        if (result.commandId() != id) {
            return json(400, "{\"error\":\"invalid_field\",\"message\":\"commandId does not match the path\"}");
        }
        if (!issued.contains(id)) {
            return json(404, "{\"error\":\"not_found\",\"message\":\"no such command: " + id + "\"}");
        }
        if (!completed.add(id)) {
            return json(409, "{\"error\":\"already_completed\",\"message\":\"command " + id + " already has a result\"}");
        }
        results.add(result);
        return json(200, "{\"id\":" + id + ",\"success\":" + result.success() + "}");
    }

    /** The token of the server container running now; a new container writes a new one, atomically. */
    private synchronized String token() {
        Optional<String> container = serverContainer.get();
        if (token == null || container.isPresent() && !container.equals(tokenContainer)) {
            token = "token-" + UUID.randomUUID();
            tokenContainer = container;
            Path temp = tokenFile.resolveSibling(tokenFile.getFileName() + ".tmp");
            try {
                Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII);
                Files.move(temp, tokenFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return token;
    }

    private MockResponse health() {
        token(); // the server writes its token as it starts, before it serves
        Optional<String> container = serverContainer.get();
        if (container.isPresent() && probesOfContainer.merge(container.get(), 1, Integer::sum) <= startingProbes) {
            return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build();
        }
        Optional<String> version = currentVersion();
        String status = healthStatus();
        String body = "{\"status\":\"" + status + "\"" + version.map(v -> ",\"version\":\"" + v + "\"").orElse("")
                + ",\"checks\":{}}";
        return json(status.equals("UP") ? 200 : 503, body);
    }

    private String healthStatus() {
        Optional<String> container = serverContainer.get();
        if (container.isEmpty() || serverImage.get().isEmpty()) {
            return "DOWN";
        }
        return container.equals(drainedContainer) ? "DRAINING" : "UP";
    }

    private Optional<String> currentVersion() {
        return serverImage.get().map(versionOfImage::get);
    }

    private MockResponse ok(Object body) throws JsonProcessingException {
        return json(200, json.writeValueAsString(body));
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }
}
