package com.seglamater.hivemind.server.health;

import com.seglamater.hivemind.server.HivemindServer;
import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.testing.Http;
import com.seglamater.hivemind.server.testing.Schema;
import com.seglamater.hivemind.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server started in-process against a fresh database on the machine's PostgreSQL:
 * migrations from empty, /health while the database is up, down, and back again.
 */
class HealthWithDatabaseTest {

    private static final String LATEST_MIGRATION = Schema.latestVersion();

    private static TestDatabase database;
    private static HivemindServer server;

    @BeforeAll
    static void start(@TempDir Path dataDir) throws Exception {
        database = TestDatabase.create();
        server = HivemindServer.start(config(database.jdbcUrl(), dataDir), "9.9.9-test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    static ServerConfig config(String dbUrl, Path dataDir) throws ConfigException {
        return ServerConfig.from(Map.of(
                "HIVEMIND_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_TOKEN_FILE", dataDir.resolve("admin.token").toString(),
                "HIVEMIND_DB_URL", dbUrl,
                "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                "HIVEMIND_DATA_DIR", dataDir.toString()));
    }

    @Test
    void migrationsRunFromAnEmptyDatabase() throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, note FROM schema_notes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("version")).isEqualTo("1");
        }
    }

    @Test
    void healthIsUpWithDatabaseAndMigrationDetail() throws Exception {
        Http.Response response = Http.get(server.port(), "/health");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.json().path("status").asText()).isEqualTo("UP");
        assertThat(response.json().path("version").asText()).isEqualTo("9.9.9-test");
        assertThat(response.json().at("/checks/database/status").asText()).isEqualTo("UP");
        assertThat(response.json().at("/checks/database/latencyMs").isIntegralNumber()).isTrue();
        assertThat(response.json().at("/checks/migrations/status").asText()).isEqualTo("UP");
        assertThat(response.json().at("/checks/migrations/version").asText()).isEqualTo(LATEST_MIGRATION);
        assertThat(response.json().at("/checks/draining/status").asText()).isEqualTo("UP");
    }

    @Test
    void unknownRoutesAreJson404() throws Exception {
        Http.Response response = Http.get(server.port(), "/no/such/page");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.json().path("error").asText()).isEqualTo("not_found");
        assertThat(response.json().path("message").asText()).contains("/no/such/page");
    }

    @Test
    void healthGoesDownWhenTheDatabaseIsCutOffAndRecoversWithoutRestart() throws Exception {
        try {
            database.cutOff();
            // A result younger than DatabaseCheck.FRESH may still be served: poll, bounded.
            Instant downBy = Instant.now().plus(Duration.ofSeconds(5));
            Http.Response down;
            do {
                down = Http.get(server.port(), "/health");
            } while (down.status() == 200 && Instant.now().isBefore(downBy));
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
            assertThat(down.json().at("/checks/database/status").asText()).isEqualTo("DOWN");
            // Bounded by the pool's connection timeout, so a polling proxy is not held up long.
            assertThat(down.json().at("/checks/database/latencyMs").asLong()).isLessThan(5_000);
        } finally {
            database.restore();
        }
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        Http.Response up;
        do {
            up = Http.get(server.port(), "/health");
        } while (up.status() != 200 && Instant.now().isBefore(deadline));
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().at("/checks/database/status").asText()).isEqualTo("UP");
    }
}
