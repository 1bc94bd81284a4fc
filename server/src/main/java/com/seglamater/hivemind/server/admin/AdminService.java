package com.seglamater.hivemind.server.admin;

import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.server.health.Health;
import com.seglamater.hivemind.server.health.HealthService;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.Params;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.logging.Logger;

/**
 * The admin socket's {@code /admin/v1} routes for the updater agent (DESIGN.md, "Admin
 * socket"): status, drain and undrain. Bodies are shared-model records written with
 * {@code AdminJson.mapper()}. Authentication is {@link BearerAuth}'s job.
 */
public final class AdminService implements HttpService {

    public static final String PATH = "/admin/v1";

    static final String TIMEOUT_PARAM = "timeoutSeconds";
    static final int DEFAULT_TIMEOUT_SECONDS = 30;
    static final int MAX_TIMEOUT_SECONDS = 300;

    private static final Logger LOG = Logger.getLogger(AdminService.class.getName());

    private final HealthService health;
    private final Drain drain;

    public AdminService(HealthService health, Drain drain) {
        this.health = health;
        this.drain = drain;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/status", this::status)
                .post("/drain", this::drain)
                .post("/undrain", this::undrain);
    }

    private void status(ServerRequest req, ServerResponse res) {
        Health current = health.health();
        Json.send(res, Status.OK_200, new ServerStatus(current.status(), current.version(), drain.inFlight()));
    }

    private void drain(ServerRequest req, ServerResponse res) throws InterruptedException {
        int seconds = Params.integer(req, TIMEOUT_PARAM, DEFAULT_TIMEOUT_SECONDS, 0, MAX_TIMEOUT_SECONDS);
        drain.start();
        LOG.info(() -> "draining: /health answers 503 (for at least " + drain.notice().toMillis()
                + " ms, for proxies' health checks to notice); waiting up to " + seconds + " s for "
                + drain.inFlight() + " in-flight request(s)");
        boolean idle = drain.awaitIdle(Duration.ofSeconds(seconds));
        int left = drain.inFlight();
        LOG.info(() -> idle ? "drained: no request in flight" : "drain bound reached with " + left + " request(s) in flight");
        Json.send(res, Status.OK_200, new DrainResult(idle, idle ? 0 : left));
    }

    private void undrain(ServerRequest req, ServerResponse res) {
        drain.stop();
        LOG.info("undrained: serving again");
        Health current = health.health();
        Json.send(res, Status.OK_200, new ServerStatus(current.status(), current.version(), drain.inFlight()));
    }
}
