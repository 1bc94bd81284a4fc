package com.seglamater.hivemind.agent.compose;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The dependencies read from `docker compose config` as compose v2 and docker-compose v1 print it. */
class ComposeConfigTest {

    /** compose v2.26 (abridged to what matters: other keys at every level). */
    private static final String V2 = """
            name: hivemind
            services:
              hivemind-db:
                environment:
                  POSTGRES_DB: hivemind
                healthcheck:
                  test:
                    - CMD
                    - pg_isready
                image: postgres:17
              hivemind-server:
                depends_on:
                  hivemind-db:
                    condition: service_healthy
                    required: true
                environment:
                  HIVEMIND_BIND: 0.0.0.0:8585
                image: ghcr.io/seglamater/hivemind-server:0.1.0
              hivemind-updater:
                depends_on:
                  hivemind-db:
                    condition: service_started
                    required: true
                image: ghcr.io/seglamater/hivemind-updater:0.1.0
            networks:
              hivemind:
                ipam:
                  config:
                    - subnet: 172.30.85.0/24
            """;

    /** docker-compose 1.29.2: lists at the key's indentation. */
    private static final String V1 = """
            networks:
              hivemind:
                ipam:
                  config:
                  - subnet: 172.30.85.0/24
            services:
              hivemind-db:
                healthcheck:
                  test:
                  - CMD
                  - pg_isready
                image: postgres:17
              hivemind-server:
                depends_on:
                  hivemind-db:
                    condition: service_healthy
                image: ghcr.io/seglamater/hivemind-server:0.1.0
              hivemind-updater:
                depends_on:
                  hivemind-db:
                    condition: service_started
                image: ghcr.io/seglamater/hivemind-updater:0.1.0
            version: '3.9'
            """;

    @Test
    void theServerAndTheUpdaterDependOnTheDatabaseAloneInBothFormats() {
        for (String config : new String[] {V2, V1}) {
            assertThat(ComposeConfig.dependencies(config, "hivemind-server")).containsExactly("hivemind-db");
            assertThat(ComposeConfig.dependencies(config, "hivemind-updater")).containsExactly("hivemind-db");
            assertThat(ComposeConfig.dependencies(config, "hivemind-db")).isEmpty();
        }
    }

    @Test
    void dependenciesAreFollowedThroughOtherServicesAndTheShortFormIsRead() {
        String config = """
                services:
                  web:
                    depends_on:
                    - api
                  api:
                    depends_on:
                      - db
                      - cache
                  db:
                    image: postgres:17
                  cache:
                    image: redis
                """;
        assertThat(ComposeConfig.dependencies(config, "web")).containsExactlyInAnyOrder("api", "db", "cache");
        assertThat(ComposeConfig.dependencies(config, "unknown")).isEmpty();
    }
}
