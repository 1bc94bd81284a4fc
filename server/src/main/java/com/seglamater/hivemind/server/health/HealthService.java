package com.seglamater.hivemind.server.health;

import com.seglamater.hivemind.server.web.Json;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health}: unauthenticated, 200 when every check is UP, 503 otherwise.
 * Migrations run only at start-up, so their state is the version recorded then. The
 * {@code draining} check is DRAINING while the admin socket has the server draining.
 */
public final class HealthService implements HttpService {

    private final String version;
    private final DatabaseCheck database;
    private final String schemaVersion;
    private final BooleanSupplier draining;

    public HealthService(String version, DatabaseCheck database, String schemaVersion, BooleanSupplier draining) {
        this.version = version;
        this.database = database;
        this.schemaVersion = schemaVersion;
        this.draining = draining;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::health);
    }

    public Health health() {
        Map<String, Health.Check> checks = new LinkedHashMap<>();
        checks.put("database", database.check());
        checks.put("migrations", new Health.Check(
                schemaVersion != null ? Health.UP : Health.DOWN, null, schemaVersion));
        checks.put("draining", new Health.Check(draining.getAsBoolean() ? Health.DRAINING : Health.UP, null, null));
        return Health.of(version, checks);
    }

    private void health(ServerRequest req, ServerResponse res) {
        Health health = health();
        Json.send(res, health.up() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, health);
    }
}
