package com.seglamater.hivemind.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole life of an installed stack on a real Docker engine, in the order an operator lives
 * it: install and first data, a forced update to a good release, a bad release rolled back by
 * itself, a tampered statement refused, a channel change, the updater killed mid-update (with v2
 * also at each fault point of an update, {@link #killedAtEachFaultPoint}), and a backup restored
 * onto an emptied database. Each step builds on the one before; after a failure
 * the later steps are aborted (reported as skipped), never passed. The same sequence runs with
 * compose v2 ({@link ComposeV2StackIT}) and v1 ({@link ComposeV1StackIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StackLifecycle {

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "e2e admin password, test only";
    private static final List<String> SERVICES = List.of("hivemind-db", "hivemind-server", "hivemind-updater");

    private final Stack.Flavor flavor;
    private final int subnetOctet;
    protected Lab lab;
    protected Stack stack;
    private ReleaseHost releases;
    protected Caddy caddy;
    private Api api;
    /** The users the test wrote, as the API listed them: what must survive every step. */
    private JsonNode written;
    private final AtomicBoolean failed = new AtomicBoolean();

    @RegisterExtension
    final TestWatcher watcher = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed.set(true);
            if (stack != null) {
                System.out.println("e2e " + flavor + ": step failed; containers: " + stack.containers());
                System.out.println(stack.operator("docker compose logs --tail=80 hivemind-updater").out());
                System.out.println(stack.operator("docker compose logs --tail=40 hivemind-server").out());
            }
        }
    };

    StackLifecycle(Stack.Flavor flavor, int subnetOctet) {
        this.flavor = flavor;
        this.subnetOctet = subnetOctet;
    }

    @BeforeAll
    void setUp() throws Exception {
        lab = Lab.get();
        String project = "hivemind-e2e-" + flavor.name().toLowerCase();
        // Short: the agent's control socket under ROOT/var/lib/hivemind/agent must fit a Unix socket path.
        Path root = Files.createTempDirectory("hm-" + flavor.name().toLowerCase() + "-");
        Stack.removeLeftovers(Shell.in(root), project);
        stack = new Stack(lab, flavor, root, project, subnetOctet, ReleaseHost.freePort());
        Files.createDirectories(stack.configDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        releases = new ReleaseHost(lab, lab.work.resolve(project + "-release-host"), stack.gateway,
                ReleaseHost.freePort(), stack.configDir.resolve("release-ca.p12"));
    }

    @BeforeEach
    void earlierStepsPassed() {
        Assumptions.assumeFalse(failed.get(), "an earlier step failed");
    }

    @AfterAll
    void tearDown() throws Exception {
        try {
            if (caddy != null) {
                caddy.close();
            }
        } finally {
            try {
                if (releases != null) {
                    releases.close();
                }
            } finally {
                if (stack != null) {
                    stack.close();
                }
            }
        }
    }

    @Test
    @Order(1)
    void installsStartsAndTakesDataThroughTheReverseProxy() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("COMPOSE_PROJECT_NAME", stack.project);
        settings.put("HIVEMIND_SERVER_IMAGE", lab.registry + "/hivemind/hivemind-server:1.0.0");
        settings.put("HIVEMIND_UPDATER_IMAGE", lab.registry + "/hivemind/hivemind-updater:1.0.0");
        settings.put("HIVEMIND_DB_IMAGE", lab.dbImage);
        settings.put("HIVEMIND_PUBLISH", "127.0.0.1:" + stack.port);
        settings.put("HIVEMIND_SUBNET", stack.subnet);
        settings.put("HIVEMIND_TRUSTED_PROXIES", stack.gateway + "/32");
        settings.put("HIVEMIND_UPDATE_URL", releases.url());
        settings.put("HIVEMIND_UPDATER_JAVA_OPTS", "-Djavax.net.ssl.trustStore=" + stack.configDir.resolve("release-ca.p12")
                + " -Djavax.net.ssl.trustStorePassword=" + ReleaseHost.TRUST_STORE_PASSWORD);
        // The daemon's own polls stay out of the way: every check here is forced, as the steps say.
        settings.put("HIVEMIND_UPDATE_INTERVAL", "1h");
        settings.put("HIVEMIND_UPDATE_HEALTH_TIMEOUT", "40s");

        Shell.Result dryRun = stack.install(settings, "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
        assertThat(stack.stackDir.resolve("docker-compose.yml")).as("a dry run changes nothing").doesNotExist();

        Instant started = Instant.now();
        Shell.Result install = stack.install(settings);
        assertThat(install.exit()).as(install.toString()).isZero();
        System.out.printf("e2e %s: installed and healthy in %d s%n", flavor, Duration.between(started, Instant.now()).toSeconds());
        assertThat(install.out()).contains("hivemind-server users create --username admin --role admin");
        Path env = stack.configDir.resolve(".env");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
        String envText = Files.readString(env);
        assertThat(envText).containsPattern("(?m)^DB_PASSWORD=[A-Za-z0-9]{40}$").containsPattern("(?m)^ADMIN_API_KEY=[A-Za-z0-9]{48}$");
        assertThat(Files.readSymbolicLink(stack.stackDir.resolve(".env"))).isEqualTo(env);

        // Idempotent: a second run keeps the secrets and changes nothing that runs.
        Map<String, String> ids = ids();
        Shell.Result again = stack.install(Map.of());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("kept " + env);
        assertThat(Files.readString(env)).isEqualTo(envText);
        assertThat(ids()).isEqualTo(ids);

        stack.awaitHealthy(Duration.ofMinutes(2));
        assertThat(stack.health()).isEqualTo(new Stack.Health(200, "1.0.0"));
        assertThat(label(stack.container("hivemind-server").image())).isEqualTo("1.0.0");
        String published = stack.docker("port", stack.container("hivemind-server").id()).orFail().out();
        assertThat(published.strip()).as("only the main port, only on loopback").isEqualTo("8585/tcp -> 127.0.0.1:" + stack.port);

        // The notes' commands, verbatim in the stack directory.
        assertThat(stack.operator("docker compose ps").orFail().out()).contains("hivemind-server", "hivemind-db", "hivemind-updater");
        assertThat(stack.operator("docker compose logs --tail=200 hivemind-server").orFail().out()).contains("listening");
        // The log overflow on the host, written by the server as its unprivileged user and by the updater.
        assertThat(stack.root.resolve("var/log/hivemind/server/hivemind-server.0.log")).content().contains("listening");
        assertThat(stack.root.resolve("var/log/hivemind/updater/hivemind-updater.0.log")).content().contains("channel=canary");

        // The first admin, as the installer says (the password on standard input instead of a prompt).
        Shell.Result admin = stack.operator("printf '%s' '" + ADMIN_PASSWORD + "' | docker compose exec -T hivemind-server "
                + "hivemind-server users create --username " + ADMIN + " --role admin --password-file -");
        assertThat(admin.exit()).as(admin.toString()).isZero();

        caddy = Caddy.inFrontOf(lab.repo, lab.work.resolve(stack.project + "-caddy"), stack.port);
        api = new Api(caddy.base());
        api.signIn(ADMIN, ADMIN_PASSWORD).expect(200);
        for (String name : List.of("alice", "bob", "carol")) {
            api.post("/api/v1/users", Map.of("username", name, "password", "password of " + name + " (test)",
                    "role", "user", "email", name + "@example.org")).expect(201);
        }
        written = users();
        assertThat(written.findValuesAsText("username")).contains("admin", "alice", "bob", "carol");
        JsonNode audit = api.get("/api/v1/audit?action=auth.sign_in&limit=5").expect(200).json();
        assertThat(audit.path("items").get(0).path("clientIp").asText())
                .as("the audit log sees the client behind Caddy, not the proxy").isEqualTo("127.0.0.1");

        // The nightly dump of the notes works as written.
        Path dump = stack.root.resolve("notes-dump.sql.gz");
        stack.operator("docker compose exec -T hivemind-db pg_dump -U hivemind hivemind | gzip > " + dump).orFail();
        String sql = Shell.in(stack.root).bash(Duration.ofMinutes(1), "gzip -dc " + dump).orFail().out();
        assertThat(sql).contains("CREATE TABLE public.users").contains("alice@example.org");

        releases.start();
    }

    @Test
    @Order(2)
    void aForcedCheckInstallsTheSignedReleaseServerFirstThenTheUpdater() throws Exception {
        releases.publish("canary", "2.0.0");
        Map<String, String> v2 = lab.releases.get("2.0.0");
        Downtime downtime = Downtime.watch(() -> stack.health().status());
        Api client = new Api(caddy.base());
        Downtime proxied = Downtime.watch(() -> answer(() -> client.get("/health")));
        // A signed-in user's steady load through Caddy, paced under the API's rate limit: a read, and a
        // write that creates an API token with a name of its own and deletes it by the id its answer
        // gave. A write lost, or sent twice by the proxy (a retry of a request that had reached the
        // old server), would leave a token behind that the user never saw; none may remain.
        Api user = new Api(caddy.base());
        user.signIn(ADMIN, ADMIN_PASSWORD).expect(200);
        Downtime reads = Downtime.watch(() -> answer(() -> user.get("/api/v1/me")), 200, USER_PACE);
        AtomicInteger tokenNames = new AtomicInteger();
        Downtime writes = Downtime.watch(() -> answer(() -> createAndDeleteToken(user, "e2e-write-" + tokenNames.incrementAndGet())),
                204, USER_PACE.multipliedBy(2));
        Shell.Result check;
        try {
            check = stack.forcedCheck();
        } finally {
            downtime.stop();
            proxied.stop();
            reads.stop();
            writes.stop();
        }
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.err()).as("the CLI in the container prints UTF-8").contains("asking the running updater daemon…");
        System.out.printf("e2e %s: /health was not 200 for %d ms during the server's restart 1.0.0 -> 2.0.0 "
                + "(longest gap; %d probes failed of %d)%n", flavor, downtime.longestMillis(), downtime.failures(), downtime.probes());
        System.out.printf("e2e %s: /health through Caddy (compose/proxy/Caddyfile) meanwhile: %d of %d answers not 200 "
                + "(DRAINING until Caddy's check notices), the longest wait or gap %d ms%n",
                flavor, proxied.failures(), proxied.probes(), proxied.longestMillis());
        System.out.printf("e2e %s: a user's requests through Caddy meanwhile: reads %d of %d failed, writes %d of %d failed, "
                + "the longest wait %d ms; Caddy logged %d errors%n", flavor, reads.failures(), reads.probes(),
                writes.failures(), writes.probes(), Math.max(reads.longestMillis(), writes.longestMillis()), caddy.errors().size());
        assertThat(downtime.longestMillis()).as("a generous bound; the goal is under 5 s").isLessThan(60_000);
        assertThat(reads.failures()).as("an update is a pause for a user behind the shipped Caddyfile, not an error: "
                + caddy.errors()).isZero();
        assertThat(writes.failures()).as("writes too: " + caddy.errors()).isZero();
        assertThat(user.get("/api/v1/tokens").expect(200).json().findValuesAsText("name"))
                .as("each write reached the server once: no token created twice or left behind").noneMatch(n -> n.startsWith("e2e-write-"));
        assertThat(reads.probes()).as("the load ran through the restart").isGreaterThan(10);

        awaitIdle("2.0.0");
        assertThat(stack.health()).isEqualTo(new Stack.Health(200, "2.0.0"));
        assertThat(stack.container("hivemind-server").image()).isEqualTo(v2.get("hivemind-server"));
        assertThat(stack.container("hivemind-updater").image()).as("the updater replaced itself last").isEqualTo(v2.get("hivemind-updater"));
        assertThat(stack.pins()).contains(v2.get("hivemind-server"), v2.get("hivemind-updater"));
        try (var dumps = Files.list(stack.backupDir)) {
            assertThat(dumps.map(p -> p.getFileName().toString())).as("the database was dumped first").anyMatch(n -> n.endsWith("-2.0.0.dump"));
        }
        assertThat(users()).as("the data written before is intact").isEqualTo(written);
        assertThat(history()).anySatisfy(e -> assertThat(e.path("kind").asText() + " " + e.path("toVersion").asText())
                .isEqualTo("applied 2.0.0"));
        stack.awaitHealthy(Duration.ofMinutes(2));
        // A plain `docker compose up -d` runs the pins: nothing is recreated onto other images, and with
        // compose v2 nothing is recreated at all (v1 hashes a definition differently from the agent's v2).
        Map<String, String> updated = ids();
        stack.operator("docker compose up -d").orFail();
        stack.awaitHealthy(Duration.ofMinutes(2));
        if (flavor == Stack.Flavor.V2) {
            assertThat(ids()).as("an operator's `up -d` after an update restarts nothing").isEqualTo(updated);
        }
        assertThat(stack.container("hivemind-server").image()).isEqualTo(v2.get("hivemind-server"));
        assertThat(stack.container("hivemind-updater").image()).isEqualTo(v2.get("hivemind-updater"));
    }

    @Test
    @Order(3)
    void aReleaseWhoseServerNeverGetsHealthyIsRolledBackByItself() throws Exception {
        releases.publish("canary", "3.0.0");
        Shell.Result check = stack.forcedCheck();
        assertThat(check.out() + check.err()).as(check.toString()).contains("rolled back");
        awaitIdle("2.0.0");
        Map<String, String> v2 = lab.releases.get("2.0.0");
        assertThat(stack.health()).isEqualTo(new Stack.Health(200, "2.0.0"));
        assertThat(stack.container("hivemind-server").image()).isEqualTo(v2.get("hivemind-server"));
        assertThat(stack.container("hivemind-updater").image()).isEqualTo(v2.get("hivemind-updater"));
        assertThat(stack.pins()).contains(v2.get("hivemind-server")).doesNotContain(lab.releases.get("3.0.0").get("hivemind-server"));
        assertThat(users()).isEqualTo(written);
        assertThat(stack.status().at("/failedRelease/version").asText()).isEqualTo("3.0.0");
        // What happened is on the API the web UI reads.
        List<String> kinds = history().stream().filter(e -> e.path("toVersion").asText().equals("3.0.0"))
                .map(e -> e.path("kind").asText()).toList();
        assertThat(kinds).contains("apply-started", "rolled-back");
        stack.awaitHealthy(Duration.ofMinutes(2));
    }

    @Test
    @Order(4)
    void aTamperedStatementIsRefusedAndNothingRestarts() throws Exception {
        Path latest = releases.latest("canary");
        byte[] genuine = Files.readAllBytes(latest);
        Map<String, String> before = ids();
        try {
            Files.writeString(latest, new String(genuine, StandardCharsets.UTF_8).replace("\"3.0.0\"", "\"3.0.1\""));
            Shell.Result check = stack.forcedCheck();
            assertThat(check.out() + check.err()).as(check.toString()).contains("signature");
            assertThat(stack.status().at("/lastCheck/code").asText()).isEqualTo("signature_rejected");
        } finally {
            Files.write(latest, genuine);
        }
        assertThat(ids()).as("no container was recreated").isEqualTo(before);
        assertThat(stack.health()).isEqualTo(new Stack.Health(200, "2.0.0"));
    }

    @Test
    @Order(5)
    void theDocumentedChannelChangeMakesTheAgentFollowAnEmptyChannelCalmly() throws Exception {
        String server = stack.container("hivemind-server").id();
        stack.operator("docker compose exec -T hivemind-updater hivemind-updater channel beta").orFail();
        stack.operator("docker compose up -d").orFail();
        stack.awaitHealthy(Duration.ofMinutes(2));
        JsonNode status = stack.status();
        assertThat(status.path("channel").asText()).isEqualTo("beta");
        Shell.Result check = stack.forcedCheck();
        assertThat(check.exit()).as("an empty channel is normal: " + check).isZero();
        assertThat(stack.status().at("/lastCheck/result").asText()).isEqualTo("no_release");
        if (flavor == Stack.Flavor.V2) {
            assertThat(stack.container("hivemind-server").id()).as("a channel change restarts only the updater").isEqualTo(server);
        }
        // Back to canary for what follows.
        stack.operator("docker compose exec -T hivemind-updater hivemind-updater channel canary").orFail();
        stack.operator("docker compose up -d").orFail();
        stack.awaitHealthy(Duration.ofMinutes(2));
        assertThat(stack.status().path("channel").asText()).isEqualTo("canary");
    }

    @Test
    @Order(6)
    void anUpdaterKilledMidUpdateLeavesAWholeReleaseNeverHalf() throws Exception {
        releases.publish("canary", "4.0.0");
        AtomicReference<Shell.Result> first = new AtomicReference<>();
        Thread check = Thread.ofPlatform().start(() -> {
            try {
                first.set(stack.forcedCheck());
            } catch (Exception e) {
                first.set(new Shell.Result(List.of("forced check"), 1, "", e.toString()));
            }
        });
        Stack.await("the update restarting the server", Duration.ofMinutes(3), () -> journalStep().equals("RESTARTING"));
        stack.docker("kill", stack.container("hivemind-updater").id()).orFail();
        check.join(Duration.ofMinutes(5).toMillis());
        // The timer's next run (or the restart policy) brings the updater back; it resumes from its journal.
        Shell.Result next = stack.forcedCheck();
        System.out.printf("e2e %s: the forced check after the kill: exit %d%n", flavor, next.exit());
        Stack.await("the resumed updater finishing", Duration.ofMinutes(5), () -> {
            try {
                return stack.journal().isEmpty() && stack.health().status() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        stack.awaitHealthy(Duration.ofMinutes(3));
        String running = stack.health().version();
        assertWholeRelease(running, "2.0.0", "4.0.0");
        System.out.printf("e2e %s: after the kill the stack converged on %s%n", flavor, running);
    }

    /** Order 7 is the subclass's: the v2 run kills the updater at each fault point ({@link #killedAtEachFaultPoint}). */
    @Test
    @Order(8)
    void aBackupRestoresTheDataOntoAFreshDatabaseVolume() throws Exception {
        Shell.Result backup = stack.runUnit("hivemind-backup.service", Duration.ofMinutes(5));
        assertThat(backup.exit()).as(backup.toString()).isZero();
        Path dump;
        try (var files = Files.list(stack.backupDir)) {
            dump = files.filter(p -> p.getFileName().toString().endsWith("-manual.dump"))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
        }
        // Disaster: the database volume is gone.
        stack.operator("docker compose down").orFail();
        stack.docker("volume", "rm", stack.project + "_hivemind-db-data").orFail();
        stack.operator("docker compose up -d").orFail();
        stack.awaitHealthy(Duration.ofMinutes(3));
        assertThat(new Api(caddy.base()).signIn(ADMIN, ADMIN_PASSWORD).status()).as("the new database is empty").isEqualTo(401);

        Shell.Result restore = stack.operator(Duration.ofMinutes(10),
                "docker compose exec -T hivemind-updater hivemind-updater restore " + dump);
        assertThat(restore.exit()).as(restore.toString()).isZero();
        stack.awaitHealthy(Duration.ofMinutes(3));
        api = new Api(caddy.base());
        api.signIn(ADMIN, ADMIN_PASSWORD).expect(200);
        assertThat(users()).as("the data is identical").isEqualTo(written);
    }

    /**
     * docs/operators.md's move from the embedded database: a bare server on its embedded
     * PostgreSQL takes data, is dumped with the database image's pg_dump as the runbook says, and
     * the dump restored into this stack carries the data over.
     */
    protected void moveFromTheEmbeddedDatabase() throws Exception {
        Path home = Files.createDirectories(stack.root.resolve("bare"));
        int port = ReleaseHost.freePort();
        String key = "e2e-break-glass-key-for-the-bare-server-0123456789";
        ProcessBuilder builder = new ProcessBuilder(lab.javaHome.resolve("bin/java").toString(), "-jar",
                lab.repo.resolve("server/target/hivemind-server.jar").toString())
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve("server.log").toFile());
        builder.environment().putAll(Map.of("HIVEMIND_BIND", "127.0.0.1:" + port,
                "HIVEMIND_ADMIN_BIND", "127.0.0.1:" + ReleaseHost.freePort(),
                "HIVEMIND_ADMIN_TOKEN_FILE", home.resolve("data/admin.token").toString(), "ADMIN_API_KEY", key));
        Process bare = builder.start();
        try {
            Api byKey = new Api("http://127.0.0.1:" + port, key);
            Stack.await("the bare server on its embedded database", Duration.ofMinutes(2), () -> {
                try {
                    return byKey.get("/health").status() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            byKey.post("/api/v1/users", Map.of("username", "dave", "password", "password of dave (test)",
                    "role", "admin", "email", "dave@example.org")).expect(201);
            // The runbook's command: the database image's pg_dump against the embedded server.
            String dump = stack.operator(Duration.ofMinutes(3), "cd " + home + " && docker run --rm --network host"
                    + " -e PGPASSWORD=\"$(cat data/postgres.password)\" -v \"$PWD:/out\" " + lab.dbImage
                    + " pg_dump -h 127.0.0.1 -p \"$(sed -n 4p data/postgres/postmaster.pid)\" -U postgres"
                    + " --format=custom --file=/out/hivemind-embedded.dump hivemind").toString();
            assertThat(home.resolve("hivemind-embedded.dump")).as(dump).exists();
        } finally {
            bare.destroy();
            bare.waitFor();
        }
        Path target = stack.backupDir.resolve("hivemind-embedded.dump");
        Files.copy(home.resolve("hivemind-embedded.dump"), target);
        Shell.Result restore = stack.operator(Duration.ofMinutes(10),
                "docker compose exec -T hivemind-updater hivemind-updater restore " + target);
        assertThat(restore.exit()).as(restore.toString()).isZero();
        stack.awaitHealthy(Duration.ofMinutes(3));
        Api dave = new Api(caddy.base());
        dave.signIn("dave", "password of dave (test)").expect(200);
        List<String> names = dave.get("/api/v1/users?limit=200").expect(200).json().findValuesAsText("username");
        assertThat(names).as("the embedded installation's accounts, not the stack's").contains("dave").doesNotContain("alice");
    }

    /**
     * The agent held at each of its fault points in turn (docs/architecture.md, "Fault
     * injection") and killed there with SIGKILL, each time in a real update between 2.0.0 and
     * 4.0.0 (whichever does not run; the older one as an operator's downgrade). The forced-check
     * unit then brings the updater back, as the timer on an operator's machine does, and the stack
     * must settle on one whole release, old or new, which the update history names, with the
     * interrupted update resumed.
     */
    protected void killedAtEachFaultPoint() throws Exception {
        Path request = stack.agentDir.resolve("fault-point");
        Path holding = stack.agentDir.resolve("fault-point.holding");
        Instant all = Instant.now();
        for (String point : FAULT_POINTS) {
            Instant started = Instant.now();
            String from = stack.status().at("/installed/version").asText();
            String to = from.equals("4.0.0") ? "2.0.0" : "4.0.0";
            releases.publish("canary", to, "--allow-downgrade");
            Files.deleteIfExists(holding);
            Files.writeString(request, point + "\n");
            // An operator's forced install: --allow-downgrade lets the older release in, every other rule holds.
            Thread install = Thread.ofPlatform().daemon().start(() -> stack.operator(Duration.ofMinutes(10),
                    "docker compose exec -T hivemind-updater hivemind-updater check --apply --allow-downgrade"));
            Stack.await("the agent holding at " + point, Duration.ofMinutes(4), () -> Files.exists(holding));
            Map<String, String> held = new LinkedHashMap<>();
            Files.readAllLines(holding).forEach(l -> held.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
            assertThat(held.get("point")).isEqualTo(point);
            JsonNode journal = stack.journal().orElseThrow();
            String journalId = journal.path("id").asText();
            // Resume's line, in the host's log files when a daemon resumes (a forced check's CLI may come first).
            String resumed = "found an unfinished update to " + to + " at step " + journal.path("step").asText();
            long resumedBefore = updaterLog(resumed);
            // The one-off holds at the updater's own restart; the sidecar everywhere else.
            Stack.Container holder = stack.container(point.endsWith(":hivemind-updater") ? stack.project + "-updater-handoff"
                    : "hivemind-updater");
            assertThat(holder.id()).as("the container killed is the one holding").startsWith(held.get("host"));
            stack.docker("kill", "--signal", "KILL", holder.id()).orFail();
            Shell.Result killedLog = stack.docker("logs", "--tail", "200", holder.id());
            assertThat(killedLog.out() + killedLog.err()).as("the killed process said where it held")
                    .contains("fault injection: holding at " + point + " (requested by " + request + ")");
            install.join(Duration.ofMinutes(2));
            Files.deleteIfExists(holding);

            settle();
            Stack.Health health = stack.health();
            assertThat(health.status()).isEqualTo(200);
            String running = health.version();
            assertWholeRelease(running, from, to);
            assertThat(request).as("the request was consumed; the resumed agent did not hold again").doesNotExist();
            // The history names the interrupted update's end and the release the stack settled on.
            List<JsonNode> events = history();
            List<String> ending = events.stream().filter(e -> e.path("eventId").asText().startsWith(journalId + ":"))
                    .map(e -> e.path("kind").asText() + " " + e.path("code").asText("")).filter(k -> k.startsWith("applied")
                            || k.startsWith("rolled-back") || k.startsWith("apply-interrupted")).toList();
            assertThat(ending).as("how the killed update ended").singleElement().satisfies(k -> assertThat(k)
                    .isIn("apply-interrupted interrupted", "rolled-back interrupted", "rolled-back handoff_failed", "applied "));
            JsonNode last = events.stream().filter(e -> List.of("applied", "rolled-back", "apply-interrupted")
                            .contains(e.path("kind").asText()) && !Instant.parse(e.path("at").asText()).isBefore(started))
                    .max(java.util.Comparator.comparing(e -> Instant.parse(e.path("at").asText()))).orElseThrow();
            assertThat(last.path(last.path("kind").asText().equals("applied") ? "toVersion" : "fromVersion").asText())
                    .as("the history's last word: " + last).isEqualTo(running);
            // apply-interrupted and rolled-back with those codes come only from a resumed journal; applied, from the new
            // sidecar that found the journal at the hand-off.
            if (ending.get(0).startsWith("applied")) {
                assertThat(updaterLog(resumed)).as("the new updater resumed: " + resumed).isGreaterThan(resumedBefore);
            }
            System.out.printf("e2e %s: killed at %s (%s -> %s): converged on %s in %d s (%s)%n", flavor, point, from, to,
                    running, Duration.between(started, Instant.now()).toSeconds(), ending.get(0).strip());
        }
        System.out.printf("e2e %s: %d kills at the fault points in %d s%n", flavor, FAULT_POINTS.size(),
                Duration.between(all, Instant.now()).toSeconds());
    }

    /** Every fault point of an update of the server and the updater (FaultPoint in the agent). */
    private static final List<String> FAULT_POINTS = List.of("before-backup", "before-pin", "before-pull",
            "before-restart:hivemind-server", "awaiting-health:hivemind-server", "before-handoff",
            "before-restart:hivemind-updater", "awaiting-health:hivemind-updater");

    /**
     * After a kill: the forced-check unit (it starts a stopped updater, which resumes its journal),
     * then checks until one finds nothing to install with no journal open, so no update is under
     * way, and the stack is healthy.
     */
    private void settle() throws Exception {
        Shell.Result forced = stack.forcedCheck();
        System.out.printf("e2e %s: the forced check after the kill: exit %d%n", flavor, forced.exit());
        Stack.await("no update under way", Duration.ofMinutes(6), () -> {
            try {
                if (stack.journal().isPresent()) {
                    return false;
                }
                Shell.Result check = stack.operator(Duration.ofMinutes(10),
                        "docker compose exec -T hivemind-updater hivemind-updater check --json");
                String code = check.out().isBlank() ? "" : Stack.JSON.readTree(check.out()).path("code").asText();
                return List.of("up_to_date", "update_available", "rejected").contains(code) && stack.journal().isEmpty();
            } catch (Exception e) {
                return false;
            }
        });
        stack.awaitHealthy(Duration.ofMinutes(3));
    }

    /** How many lines of the updaters' log files on the host (sidecars and one-offs) contain {@code text}. */
    private long updaterLog(String text) throws Exception {
        long count = 0;
        try (var files = Files.list(stack.root.resolve("var/log/hivemind/updater"))) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".lck")).toList()) {
                try (var lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
                    count += lines.filter(l -> l.contains(text)).count();
                }
            }
        }
        return count;
    }

    // ---- helpers ----

    /** A user's pace: two such loads stay under the API's default rate limit (600 a minute, 10 a second sustained). */
    private static final Duration USER_PACE = Duration.ofMillis(250);

    private interface Request {
        Api.Answer send() throws Exception;
    }

    /**
     * Creates an API token named {@code name} and deletes it by the id the answer gave: the delete's
     * answer (204), or the create's when it was not 201.
     */
    private static Api.Answer createAndDeleteToken(Api user, String name) throws Exception {
        Api.Answer created = user.post("/api/v1/tokens", Map.of("name", name));
        if (created.status() != 201) {
            return created;
        }
        return user.send("DELETE", "/api/v1/tokens/" + created.json().at("/info/id").asText(), null);
    }

    /** The answer's status, or 0 when the request failed without one. */
    private static int answer(Request request) {
        try {
            return request.send().status();
        } catch (Exception e) {
            return 0;
        }
    }

    private Map<String, String> ids() {
        Map<String, String> ids = new LinkedHashMap<>();
        stack.containers().forEach((name, c) -> {
            if (SERVICES.contains(name)) {
                ids.put(name, c.id());
            }
        });
        return ids;
    }

    private String label(String image) {
        return stack.docker("image", "inspect", "--format", "{{index .Config.Labels \"org.opencontainers.image.version\"}}",
                image).orFail().out().strip();
    }

    private JsonNode users() throws Exception {
        JsonNode items = api.get("/api/v1/users?limit=200").expect(200).json().path("items");
        // lastSeenAt moves with every sign-in; everything else must stay as written.
        for (JsonNode user : items) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) user).remove("lastSeenAt");
        }
        return items;
    }

    private List<JsonNode> history() throws Exception {
        List<JsonNode> events = new ArrayList<>();
        api.get("/api/v1/updates/history?limit=200").expect(200).json().path("items").forEach(events::add);
        return events;
    }

    /**
     * The stack runs {@code running}, one of {@code from} and {@code to}, as a whole: both images,
     * the pins and the agent's record are that release's, and the users written at the start are
     * all there.
     */
    private void assertWholeRelease(String running, String from, String to) throws Exception {
        assertThat(running).as("old or new, a whole release").isIn(from, to);
        Map<String, String> release = lab.releases.get(running);
        assertThat(stack.container("hivemind-server").image()).isEqualTo(release.get("hivemind-server"));
        assertThat(stack.container("hivemind-updater").image()).isEqualTo(release.get("hivemind-updater"));
        assertThat(stack.pins()).contains(release.get("hivemind-server"), release.get("hivemind-updater"));
        assertThat(stack.status().at("/installed/version").asText()).isEqualTo(running);
        assertThat(users()).isEqualTo(written);
    }

    private String journalStep() {
        try {
            return stack.journal().map(j -> j.path("step").asText()).orElse("");
        } catch (Exception e) {
            return "";
        }
    }

    /** Waits until no update runs and the agent reports {@code version} installed. */
    private void awaitIdle(String version) {
        Stack.await("the updater idle with " + version + " installed", Duration.ofMinutes(3), () -> {
            try {
                JsonNode status = stack.status();
                return status.path("update").isNull() && status.at("/installed/version").asText().equals(version);
            } catch (Exception | AssertionError e) {
                return false;
            }
        });
    }

    /**
     * Asks {@code probe} for a status every 100 ms (or {@code every}), on a thread of its own, and keeps
     * the longest run of answers other than 200 (or {@code expected}), or of a probe's own wait, for a
     * proxy that holds requests.
     */
    static final class Downtime {
        private final java.util.function.IntSupplier probe;
        private final int expected;
        private final Duration every;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong longest = new AtomicLong();
        private final AtomicLong probes = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private Thread thread;

        private Downtime(java.util.function.IntSupplier probe, int expected, Duration every) {
            this.probe = probe;
            this.expected = expected;
            this.every = every;
        }

        static Downtime watch(java.util.function.IntSupplier probe) {
            return watch(probe, 200, Duration.ofMillis(100));
        }

        static Downtime watch(java.util.function.IntSupplier probe, int expected, Duration every) {
            Downtime d = new Downtime(probe, expected, every);
            d.thread = Thread.ofPlatform().daemon().start(d::loop);
            return d;
        }

        private void loop() {
            Optional<Instant> downSince = Optional.empty();
            while (running.get()) {
                Instant asked = Instant.now();
                boolean up = probe.getAsInt() == expected;
                Instant answered = Instant.now();
                probes.incrementAndGet();
                if (!up) {
                    failures.incrementAndGet();
                    if (downSince.isEmpty()) {
                        downSince = Optional.of(asked);
                    }
                } else {
                    Instant since = downSince.orElse(asked);
                    longest.accumulateAndGet(Duration.between(since, answered).toMillis(), Math::max);
                    downSince = Optional.empty();
                }
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
            }
            downSince.ifPresent(since -> longest.accumulateAndGet(Duration.between(since, Instant.now()).toMillis(), Math::max));
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }

        long longestMillis() {
            return longest.get();
        }

        long probes() {
            return probes.get();
        }

        long failures() {
            return failures.get();
        }
    }
}
