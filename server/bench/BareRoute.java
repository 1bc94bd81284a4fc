import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The framework's ceiling for server/bench/run.sh: a bare Helidon 4 SE route on 127.0.0.1 that
 * answers GET /health with fixed bytes (Hivemind's own /health body, saved by the script), with
 * the same Content-Type and Cache-Control as Hivemind's, and nothing else: no filters, no JSON
 * mapping, no database. Compiled and run by the script against the server jar's libraries.
 *
 * Usage: java BareRoute PORT BODY_FILE
 */
public final class BareRoute {

    private BareRoute() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(routing -> routing.get("/health", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.header(HeaderNames.CACHE_CONTROL, "no-store");
                    res.send(body);
                }))
                .build()
                .start();
    }
}
