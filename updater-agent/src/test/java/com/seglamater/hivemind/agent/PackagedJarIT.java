package com.seglamater.hivemind.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.testing.FakeStack;
import com.seglamater.hivemind.agent.testing.ReleaseHost;
import com.seglamater.hivemind.agent.testing.ReleaseHost.Exchange;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The packaged artifact of DESIGN.md ("Runnable artifacts"): {@code java -jar
 * updater-agent/target/hivemind-updater.jar} from another working directory, with its
 * dependencies found through the manifest's Class-Path, configured only by HIVEMIND_*
 * variables as in the container.
 *
 * <p>The end-to-end checks need no Docker: {@code HIVEMIND_COMPOSE_COMMAND} names a program
 * that does not exist, so any compose call fails. What a check can do without compose is poll,
 * verify, remember and report: a channel with no release, a release waiting for approval (manual
 * mode) and a tampered statement. The release host is {@link ReleaseHost} (plain HTTP on
 * loopback, opted in), the admin socket a MockWebServer that takes the agent's reports.
 */
@Timeout(120)
class PackagedJarIT {

    private static final String ADMIN_TOKEN = "it-admin-token-0123456789abcdefghijklmnopqrstu";
    private static final String SERVER_IMAGE = "registry.example.org/hivemind/server@sha256:" + "b".repeat(64);
    private static final String UPDATER_IMAGE = "registry.example.org/hivemind/updater@sha256:" + "c".repeat(64);

    @TempDir
    Path dir;

    Path elsewhere;
    Path dataDir;

    private record Run(int exitCode, String stdout, String stderr) {
        List<String> errLines() {
            return stderr.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    @BeforeEach
    void directories() throws IOException {
        elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        dataDir = Files.createDirectories(dir.resolve("data"));
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("hivemind.jar")).toAbsolutePath();
        assertThat(jar).exists();
        return jar;
    }

    private static String manifestVersion() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            return jar.getManifest().getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        }
    }

    /** Runs the jar with exactly {@code env} as its HIVEMIND_* variables (none inherited from this JVM's environment). */
    private Run java(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile())
                .redirectOutput(elsewhere.resolve("out.txt").toFile())
                .redirectError(elsewhere.resolve("err.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("HIVEMIND_"));
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java -jar " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(elsewhere.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(elsewhere.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private Run java(String... args) throws IOException, InterruptedException {
        return java(Map.of(AgentConfig.DATA_DIR, dataDir.toString()), args);
    }

    private static void assertNoStackTrace(Run run) {
        assertThat(run.stderr()).as(run.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // --- without a release host ---

    @Test
    void helpListsTheCommandsAndTheExitCodes() throws Exception {
        Run run = java("--help");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("Usage: hivemind-updater", "run", "check", "status", "channel", "rollback",
                "backup", "restore", "Exit codes:");
        assertThat(run.stdout()).doesNotContain("handoff");
        for (String code : List.of("0", "1", "2", "3", "4", "5")) {
            assertThat(run.stdout()).containsPattern("(?m)^\\s+" + code + "\\s+\\S");
        }
        assertThat(run.stdout()).contains("unreachable", "busy", "internal error");
    }

    @Test
    void versionIsTheOneInTheJarsManifest() throws Exception {
        Run run = java("--version");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String version = manifestVersion();
        assertThat(version).isNotBlank();
        assertThat(run.stdout().strip()).isEqualTo("hivemind-updater " + version);
    }

    @Test
    void statusOfAFreshDataDirectorySaysNothingWasCheckedYet() throws Exception {
        Run run = java("status");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).containsPattern("(?m)^last check:\\s+never$")
                .contains("no statement accepted yet", "the agent has installed nothing yet", "none in progress")
                .containsPattern("(?m)^daemon:\\s+not running$");
        assertNoStackTrace(run);

        Run json = java("status", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode status = new ObjectMapper().readTree(json.stdout());
        assertThat(status.get("lastCheck").isNull()).isTrue();
        assertThat(status.get("channel").asText()).isEqualTo("canary");
        assertThat(status.get("dataDir").asText()).isEqualTo(dataDir.toString());
        assertThat(dataDir).as("status writes nothing").isEmptyDirectory();
    }

    @Test
    void aBadIntervalIsAUsageErrorOfOneLineNamingTheVariable() throws Exception {
        Run run = java(Map.of(AgentConfig.DATA_DIR, dataDir.toString(), AgentConfig.INTERVAL, "banana"), "check");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("hivemind-updater: ").contains("HIVEMIND_UPDATE_INTERVAL", "'banana'");
        assertNoStackTrace(run);
        assertThat(dataDir).as("nothing ran").isEmptyDirectory();
    }

    @Test
    void aMissingKeyringIsAUsageErrorNamingTheVariable() throws Exception {
        Path missing = dir.resolve("no-such-keyring.asc");

        Run run = java(Map.of(AgentConfig.DATA_DIR, dataDir.toString(), AgentConfig.KEYRING, missing.toString()),
                "check");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("hivemind-updater: ").contains("HIVEMIND_UPDATE_KEYRING", missing.toString());
        assertNoStackTrace(run);
        assertThat(dataDir.resolve(StateStore.STATE_FILE)).doesNotExist();
    }

    // --- end to end, against a release host and an admin socket ---

    /** The server's admin socket, as far as a check uses it: it takes statuses and events. */
    private static final class AdminSocket implements AutoCloseable {
        final MockWebServer server = new MockWebServer();
        final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
        private final ObjectMapper json = new ObjectMapper();

        AdminSocket() throws IOException {
            server.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    requests.add(request);
                    if (!("Bearer " + ADMIN_TOKEN).equals(request.getHeaders().get("Authorization"))) {
                        return answer(401, "{\"error\":\"unauthorized\",\"message\":\"bad token\"}");
                    }
                    String path = request.getUrl().encodedPath();
                    if (request.getMethod().equals("PUT") && path.equals("/admin/v1/update-status")) {
                        return new MockResponse.Builder().code(204).build();
                    }
                    if (request.getMethod().equals("POST") && path.equals("/admin/v1/update-events")) {
                        try {
                            String id = json.readTree(request.getBody().utf8()).get("id").asText();
                            return answer(201, json.createObjectNode().put("id", id).put("created", true).toString());
                        } catch (IOException e) {
                            return answer(400, "{\"error\":\"bad_request\",\"message\":\"unreadable\"}");
                        }
                    }
                    return answer(404, "{\"error\":\"not_found\",\"message\":\"" + path + "\"}");
                }
            });
            server.start(InetAddress.getByName("127.0.0.1"), 0);
        }

        private static MockResponse answer(int code, String body) {
            return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
        }

        /** The statuses the agent reported, as JSON, oldest first. */
        List<JsonNode> statuses() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (RecordedRequest r : requests) {
                if (r.getUrl().encodedPath().equals("/admin/v1/update-status")) {
                    out.add(json.readTree(r.getBody().utf8()));
                }
            }
            return out;
        }

        List<JsonNode> events() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (RecordedRequest r : requests) {
                if (r.getUrl().encodedPath().equals("/admin/v1/update-events")) {
                    out.add(json.readTree(r.getBody().utf8()));
                }
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    ReleaseFixture release;
    ReleaseHost host;
    AdminSocket admin;
    TestKeys.KeyFiles key;
    Path keyring;

    /**
     * A release tree and a keyring made at the real time: the packaged agent runs on the system
     * clock, so statements and keys are dated now rather than at the fixture's fixed instant.
     */
    private void releaseHostAndAdminSocket() throws Exception {
        Instant now = Instant.now();
        release = new ReleaseFixture(Files.createDirectories(dir.resolve("release")));
        release.cli.at(now);
        key = TestKeys.create(dir.resolve("keys"), "packaged", now.minus(Duration.ofHours(1)));
        keyring = dir.resolve("keys").resolve("agent-keyring.asc");
        release.cli.run("keyring", "add", "--keyring", keyring.toString(), key.certificate().toString())
                .assertSuccess();
        host = ReleaseHost.http(release.tree);
        admin = new AdminSocket();
    }

    @AfterEach
    void stopServers() throws Exception {
        if (host != null) {
            host.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    private void publish(String version) {
        release.publishOk("canary", version, "--image", FakeStack.SERVER + "=" + SERVER_IMAGE,
                "--image", FakeStack.UPDATER + "=" + UPDATER_IMAGE,
                "--secret-key", key.secret().toString(), "--keyring", keyring.toString());
    }

    private Map<String, String> agentEnv(String approval) throws IOException {
        Path token = Files.writeString(dir.resolve("admin.token"), ADMIN_TOKEN + "\n");
        Map<String, String> env = new HashMap<>();
        env.put(AgentConfig.DATA_DIR, dataDir.toString());
        env.put(AgentConfig.UPDATE_URL, host.baseUri().toString());
        env.put(AgentConfig.ALLOW_HTTP_LOOPBACK, "true");
        env.put(AgentConfig.KEYRING, keyring.toString());
        env.put(AgentConfig.APPROVAL, approval);
        env.put(AgentConfig.ADMIN_URL, "http://127.0.0.1:" + admin.server.getPort());
        env.put(AgentConfig.ADMIN_TOKEN_FILE, token.toString());
        // Nothing answers there: a health probe would fail, which no step here may need.
        env.put(AgentConfig.HEALTH_URL, "http://127.0.0.1:1/health");
        // Any compose call fails: what these checks do must not need Docker.
        env.put(AgentConfig.COMPOSE_COMMAND, dir.resolve("no-such-docker").toString());
        env.put(AgentConfig.PROJECT_DIR, Files.createDirectories(dir.resolve("stack")).toString());
        return env;
    }

    private JsonNode stateFile() throws IOException {
        return new ObjectMapper().readTree(dataDir.resolve(StateStore.STATE_FILE).toFile());
    }

    @Test
    void checkOfAChannelWithoutAReleaseSucceedsAndIsReportedToTheServer() throws Exception {
        releaseHostAndAdminSocket();

        Run run = java(agentEnv("auto"), "check");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("channel canary has no release yet");
        assertNoStackTrace(run);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple("channels/canary/latest.json", 404));
        assertThat(host.exchanges().get(0).header("User-Agent")).contains("hivemind-updater/" + manifestVersion());
        JsonNode lastCheck = stateFile().get("lastCheck");
        assertThat(lastCheck.get("result").asText()).isEqualTo("no_release");
        assertThat(stateFile().get("channels").isEmpty()).isTrue();
        // The outbox handed the status over before the process ended.
        List<JsonNode> statuses = admin.statuses();
        assertThat(statuses).isNotEmpty();
        JsonNode last = statuses.get(statuses.size() - 1);
        assertThat(last.get("channel").asText()).isEqualTo("canary");
        assertThat(last.get("lastCheckResult").asText()).isEqualTo("no_release");
        assertThat(last.get("state").asText()).isEqualTo("IDLE");
        assertThat(admin.events()).isEmpty();
    }

    @Test
    void checkVerifiesAReleaseAndInManualModeLeavesItAwaitingApproval() throws Exception {
        releaseHostAndAdminSocket();
        publish("1.1.0");

        Run run = java(agentEnv("manual"), "check", "--json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.stdout());
        assertThat(result.get("code").asText()).isEqualTo("awaiting_approval");
        assertThat(result.get("success").asBoolean()).isTrue();
        assertThat(result.get("version").asText()).isEqualTo("1.1.0");
        assertNoStackTrace(run);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple("channels/canary/latest.json", 200), tuple("channels/canary/latest.json.asc", 200));
        JsonNode trust = stateFile().get("channels").get("canary");
        assertThat(trust.get("sequence").asLong()).isEqualTo(1);
        assertThat(trust.get("version").asText()).isEqualTo("1.1.0");
        assertThat(stateFile().get("installed").isNull()).as("nothing installed without approval").isTrue();
        List<JsonNode> statuses = admin.statuses();
        assertThat(statuses).isNotEmpty();
        JsonNode last = statuses.get(statuses.size() - 1);
        assertThat(last.get("state").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(last.get("availableVersion").asText()).isEqualTo("1.1.0");
        assertThat(last.get("approvalRequired").asBoolean()).isTrue();

        // A new process verifies what it accepted before again with its own keyring: a full fetch,
        // unconditional (a daemon's later polls of the same statement are 304s), still awaiting approval.
        host.clearExchanges();
        Run again = java(agentEnv("manual"), "check");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("1.1.0");
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple("channels/canary/latest.json", 200), tuple("channels/canary/latest.json.asc", 200));
        assertThat(host.exchanges().get(0).header("If-None-Match")).isEmpty();
        assertThat(stateFile().get("installed").isNull()).isTrue();
    }

    @Test
    void checkRefusesATamperedStatementWithExitCodeOneAndTrustsNothing() throws Exception {
        releaseHostAndAdminSocket();
        publish("1.1.0");
        Path latest = release.latest("canary");
        byte[] bytes = Files.readAllBytes(latest);
        bytes[bytes.length / 2] ^= 1;
        Files.write(latest, bytes);

        Run run = java(agentEnv("auto"), "check");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.stderr()).contains("hivemind-updater: ", "does not match the data");
        assertNoStackTrace(run);
        assertThat(stateFile().get("channels").isEmpty()).isTrue();
        assertThat(stateFile().get("lastCheck").get("code").asText()).isEqualTo("signature_rejected");
        assertThat(admin.events()).extracting(e -> e.get("kind").asText()).containsExactly("rejected");
        JsonNode last = admin.statuses().get(admin.statuses().size() - 1);
        assertThat(last.get("lastError").asText()).startsWith("signature_rejected: ");
    }
}
