package com.seglamater.hivemind.e2e;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The release team's static host for one stack: a release tree that manifest-signer publishes
 * into, served over HTTPS on the stack network's gateway address (the only host address the
 * updater's container reaches), with a certificate from a test CA. The agent trusts that CA
 * through a PKCS#12 trust store in /etc/hivemind, named in HIVEMIND_UPDATER_JAVA_OPTS: what an
 * operator of a private release mirror does.
 */
final class ReleaseHost implements AutoCloseable {

    static final String TRUST_STORE_PASSWORD = "test-only";
    private static final String PASSWORD = "test-only";

    final Path tree;
    final Path trustStore;
    private final Path dir;
    private final Lab lab;
    private final String address;
    private final int port;
    private final AtomicInteger requests = new AtomicInteger();
    private HttpsServer server;

    /**
     * Makes the CA, the server certificate for {@code address} and the agent's trust store
     * ({@code trustStoreTarget}); the host starts serving with {@link #start()}.
     */
    ReleaseHost(Lab lab, Path dir, String address, int port, Path trustStoreTarget) throws Exception {
        this.lab = lab;
        this.dir = Files.createDirectories(dir);
        this.tree = Files.createDirectories(dir.resolve("tree"));
        this.address = address;
        this.port = port;
        this.trustStore = trustStoreTarget;
        Shell shell = Shell.in(dir);
        keytool(shell, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=Hivemind e2e test CA (TEST ONLY)", "-ext", "bc:c", "-validity", "2",
                "-keystore", "ca.p12");
        keytool(shell, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.crt");
        keytool(shell, "-genkeypair", "-alias", "tls", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + address, "-validity", "2", "-keystore", "tls.p12");
        keytool(shell, "-certreq", "-alias", "tls", "-keystore", "tls.p12", "-file", "tls.csr");
        keytool(shell, "-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "tls.csr", "-outfile", "tls.crt",
                "-rfc", "-validity", "2", "-ext", "san=ip:" + address, "-ext", "eku=serverAuth");
        keytool(shell, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "tls.p12");
        keytool(shell, "-importcert", "-noprompt", "-alias", "tls", "-file", "tls.crt", "-keystore", "tls.p12");
        shell.run(Duration.ofSeconds(60), List.of(keytoolPath(), "-importcert", "-noprompt", "-alias", "release-ca",
                "-file", "ca.crt", "-storetype", "PKCS12", "-keystore", trustStoreTarget.toString(),
                "-storepass", TRUST_STORE_PASSWORD)).orFail();
    }

    /** The URL the agent polls: {@code HIVEMIND_UPDATE_URL}. */
    String url() {
        return "https://" + address + ":" + port + "/hivemind";
    }

    /** Serves the tree; the address exists once the stack's network does. */
    void start() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(dir.resolve("tls.p12").toFile())) {
            store.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/hivemind/", exchange -> {
            requests.incrementAndGet();
            String rel = exchange.getRequestURI().getPath().substring("/hivemind/".length());
            Path file = tree.resolve(rel).normalize();
            try (exchange) {
                if (!file.startsWith(tree) || !Files.isRegularFile(file) || !exchange.getRequestMethod().equals("GET")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = Files.readAllBytes(file);
                exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    int requests() {
        return requests.get();
    }

    /**
     * {@code manifest-signer publish} of one of the lab's releases to {@code channel}; {@code more}
     * are further options ({@code --allow-downgrade}). Publishing a release again is allowed (its
     * manifest is the same) and raises the channel's sequence.
     */
    void publish(String channel, String version, String... more) {
        List<String> args = new ArrayList<>(List.of("publish", "--tree", tree.toString(), "--channel", channel,
                "--version", version, "--secret-key", lab.secretKey.toString(), "--keyring", lab.keyring.toString(),
                "--notes", "e2e release " + version));
        args.addAll(List.of(more));
        for (Map.Entry<String, String> image : lab.releases.get(version).entrySet()) {
            args.add("--image=" + image.getKey() + "=" + image.getValue());
        }
        lab.signer(Shell.in(dir), args.toArray(String[]::new));
    }

    Path latest(String channel) {
        return tree.resolve("channels").resolve(channel).resolve("latest.json");
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    private void keytool(Shell shell, String... args) {
        List<String> command = new ArrayList<>(List.of(keytoolPath()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (!args[0].equals("-exportcert")) {
            command.addAll(List.of("-keypass", PASSWORD));
        }
        shell.run(Duration.ofSeconds(60), command).orFail();
    }

    private String keytoolPath() {
        return lab.javaHome.resolve("bin/keytool").toString();
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
