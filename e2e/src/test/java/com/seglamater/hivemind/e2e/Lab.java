package com.seglamater.hivemind.e2e;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the end-to-end runs share, made once per JVM: a Docker engine and a local registry (found
 * running: .ci/run and scripts/test start them), release signing keys made with manifest-signer,
 * and the images of four releases built by compose/build-images.sh from the packaged jars and
 * pushed, so that every image has a real registry digest:
 * <ul>
 *   <li>1.0.0: what the installer starts (named by tag in /etc/hivemind/.env);</li>
 *   <li>2.0.0 and 4.0.0: good releases;</li>
 *   <li>3.0.0: a release whose server never becomes healthy (its entrypoint exits at once).</li>
 * </ul>
 * The official PostgreSQL image cannot be pulled here (no public registry), so a stand-in built
 * from Debian's postgresql-17 packages takes its place (src/test/docker/postgres-standin/README.md).
 * Without an engine, registry or base image the runs are skipped with the reason, except on CI
 * (CI=true), where they must run and fail instead.
 */
final class Lab {

    static final Duration BUILD = Duration.ofMinutes(10);
    private static Lab instance;

    final Path repo;
    final Path work;
    final String registry;
    final String baseImage;
    final Path javaHome;
    final Path signerJar;
    final Path secretKey;
    final Path keyring;
    /** A docker config directory holding compose v2's plugin, taken out of the updater image. */
    final Path dockerConfigV2;
    final String dbImage;
    /** version → service → image pinned by digest. */
    final Map<String, Map<String, String>> releases = new LinkedHashMap<>();

    private Lab(Path repo, Path work, String registry, String baseImage) throws Exception {
        this.repo = repo;
        this.work = work;
        this.registry = registry;
        this.baseImage = baseImage;
        this.javaHome = Path.of(System.getProperty("java.home"));
        this.signerJar = repo.resolve("manifest-signer/target/manifest-signer.jar");
        Path keys = Files.createDirectories(work.resolve("keys"));
        this.secretKey = keys.resolve("e2e-release.asc");
        this.keyring = keys.resolve("release-keys.asc");
        Shell shell = Shell.in(work);
        Instant started = Instant.now();
        signer(shell, "keygen", "--no-passphrase", "--output", secretKey.toString(),
                "--uid", "Hivemind e2e test release key (TEST ONLY) <e2e@example.org>");
        signer(shell, "keyring", "add", "--keyring", keyring.toString(), keys.resolve("e2e-release.pub.asc").toString());
        for (String version : List.of("1.0.0", "2.0.0", "3.0.0", "4.0.0")) {
            releases.put(version, build(shell, version));
        }
        releases.get("3.0.0").put("hivemind-server", brokenServer(shell, "3.0.0"));
        this.dbImage = standInDatabase(shell);
        this.dockerConfigV2 = composeV2Plugin(shell, releases.get("1.0.0").get("hivemind-updater"));
        System.out.printf("e2e: images of 4 releases and the database stand-in built and pushed in %d s%n",
                Duration.between(started, Instant.now()).toSeconds());
    }

    /** The shared lab, or the test is skipped (CI: failed) with the reason when no engine can be used. */
    static synchronized Lab get() throws Exception {
        if (instance == null) {
            Path repo = Path.of("").toAbsolutePath().getParent();
            String registry = System.getenv().getOrDefault("HIVEMIND_E2E_REGISTRY", "127.0.0.1:5000");
            String base = System.getenv().getOrDefault("HIVEMIND_E2E_BASE_IMAGE", "local/debian:trixie");
            require(Shell.in(repo).run(Duration.ofSeconds(30), "docker", "info").ok(),
                    "no Docker engine answers `docker info` (scripts/test starts dockerd)");
            require(registryAnswers(registry), "no registry answers on http://" + registry + "/v2/ (scripts/test starts one)");
            require(Shell.in(repo).run(Duration.ofSeconds(30), "docker", "image", "inspect", base).ok(),
                    "the base image " + base + " is missing (scripts/test builds it with debootstrap)");
            require(Shell.in(repo).run(Duration.ofSeconds(30), "docker-compose", "version").ok(),
                    "docker-compose (v1) is not installed (apt-get install docker-compose)");
            Path work = Files.createTempDirectory("hivemind-e2e-");
            // Keys, trust stores and build contexts go when the test JVM does.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work), "e2e-cleanup"));
            instance = new Lab(repo, work, registry, base);
        }
        return instance;
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a temporary directory; the system cleans it eventually
        }
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI must run the end-to-end tests, but " + reason);
            }
            Assumptions.abort("skipped: " + reason);
        }
    }

    private static boolean registryAnswers(String registry) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()) {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Shell.Result signer(Shell shell, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(javaHome.resolve("bin/java").toString(), "-jar",
                signerJar.toString()));
        command.addAll(List.of(args));
        return shell.run(Duration.ofMinutes(2), command).orFail();
    }

    /** compose/build-images.sh, as the release team runs it: both images of {@code version}, pushed. */
    private Map<String, String> build(Shell shell, String version) {
        Shell.Result result = shell.withEnv(Map.of("JAVA_HOME", javaHome.toString())).run(BUILD,
                repo.resolve("compose/build-images.sh").toString(), "--version", version,
                "--repository", registry + "/hivemind", "--base", baseImage, "--keyring", keyring.toString(),
                "--push").orFail();
        Map<String, String> images = new LinkedHashMap<>();
        result.out().lines().map(String::strip).filter(l -> l.startsWith("hivemind-")).forEach(line -> {
            int eq = line.indexOf('=');
            images.put(line.substring(0, eq), line.substring(eq + 1));
        });
        if (!images.keySet().equals(java.util.Set.of("hivemind-server", "hivemind-updater"))) {
            throw new AssertionError("build-images.sh printed no digests for both images: " + result);
        }
        return images;
    }

    /** The server of {@code version} with an entrypoint that exits at once: a release that never gets healthy. */
    private String brokenServer(Shell shell, String version) throws IOException {
        Path dir = Files.createDirectories(work.resolve("broken-server"));
        String tag = registry + "/hivemind/hivemind-server:" + version + "-broken";
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + registry + "/hivemind/hivemind-server:" + version + "\n"
                + "ENTRYPOINT [\"/bin/sh\", \"-c\", \"echo 'e2e: this release is broken on purpose' >&2; exit 3\"]\n");
        shell.at(dir).run(BUILD, "docker", "build", "--quiet", "--tag", tag, ".").orFail();
        return push(shell, tag, registry + "/hivemind/hivemind-server@");
    }

    private String standInDatabase(Shell shell) {
        Path dir = Path.of("src/test/docker/postgres-standin").toAbsolutePath();
        String tag = registry + "/e2e/postgres-standin:17";
        shell.at(dir).run(BUILD, "docker", "build", "--quiet", "--build-arg", "BASE=" + baseImage, "--tag", tag, ".")
                .orFail();
        shell.run(BUILD, "docker", "push", "--quiet", tag).orFail();
        return tag;
    }

    private String push(Shell shell, String tag, String prefix) {
        shell.run(BUILD, "docker", "push", "--quiet", tag).orFail();
        String digests = shell.run(Duration.ofSeconds(30), "docker", "image", "inspect", "--format",
                "{{range .RepoDigests}}{{println .}}{{end}}", tag).orFail().out();
        return digests.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no digest for " + tag + ": " + digests));
    }

    /** compose v2 for the host, from the Debian 13 package inside the updater image (the host has only v1). */
    private Path composeV2Plugin(Shell shell, String updaterImage) throws IOException {
        Path config = Files.createDirectories(work.resolve("docker-config-v2"));
        Path plugins = Files.createDirectories(config.resolve("cli-plugins"));
        String id = shell.run(Duration.ofSeconds(30), "docker", "create", updaterImage).orFail().out().strip();
        try {
            shell.run(Duration.ofSeconds(60), "docker", "cp", id + ":/usr/libexec/docker/cli-plugins/docker-compose",
                    plugins.resolve("docker-compose").toString()).orFail();
        } finally {
            shell.run(Duration.ofSeconds(30), "docker", "rm", "-f", id);
        }
        shell.withEnv(Map.of("DOCKER_CONFIG", config.toString())).run(Duration.ofSeconds(30), "docker", "compose",
                "version").orFail();
        return config;
    }
}
