package com.seglamater.hivemind.agent.compose;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which stderr lines an error message quotes; the stderr shapes are those of docker, compose v2, pg_dump and psql. */
class StderrCauseTest {

    @Test
    void composeWarningsBeforeAPlainCauseAreLeftOut() {
        assertThat(StderrCause.of(List.of(
                "time=\"2026-12-01T10:00:00Z\" level=warning msg=\"The \\\"DB_PASSWORD\\\" variable is not set.\"",
                "WARN[0000] /var/lib/hivemind/docker-compose.yml: the attribute `version` is obsolete",
                "service \"hivemind-db\" is not running")))
                .containsExactly("service \"hivemind-db\" is not running");
    }

    @Test
    void psqlsEchoOfTheStatementIsLeftOutAndItsErrorKept() {
        assertThat(StderrCause.of(List.of(
                "ERROR:  relation \"public.flyway_schema_history\" does not exist",
                "LINE 1: DO $$ BEGIN IF to_regclass('public.flyway_schema_history') IS NOT NULL THEN PERFORM",
                "        ^")))
                .containsExactly("ERROR:  relation \"public.flyway_schema_history\" does not exist");
    }

    @Test
    void progressLinesBeforeTheDaemonsErrorAreLeftOut() {
        assertThat(StderrCause.of(List.of(" hivemind-server Pulling ", " hivemind-server Pulled ", "",
                "Error response from daemon: manifest unknown")))
                .containsExactly("Error response from daemon: manifest unknown");
    }

    @Test
    void composesOwnOneLineComplaintsAreTheCause() {
        assertThat(StderrCause.of(List.of("no configuration file provided: not found")))
                .containsExactly("no configuration file provided: not found");
        assertThat(StderrCause.of(List.of("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                + "Is the docker daemon running?"))).hasSize(1);
    }

    @Test
    void atMostTheLastThreeErrorLinesAreQuoted() {
        assertThat(StderrCause.of(List.of("pg_restore: error: one", "pg_restore: error: two", "pg_restore: error: three",
                "pg_restore: error: four", "pg_restore: done")))
                .containsExactly("pg_restore: error: two", "pg_restore: error: three", "pg_restore: error: four");
    }

    @Test
    void withoutAnErrorWordTheLastLineThatIsNoWarningIsQuoted() {
        assertThat(StderrCause.of(List.of("first", "second", "WARNING: something odd"))).containsExactly("second");
        assertThat(StderrCause.of(List.of("WARNING: only warnings", "WARN[0000] the last"))).containsExactly(
                "WARN[0000] the last");
    }

    @Test
    void aVeryLongLineIsCut() {
        assertThat(StderrCause.of(List.of("error: " + "x".repeat(1000)))).singleElement()
                .satisfies(line -> assertThat(line).hasSize(StderrCause.MAX_LINE + 2).endsWith(" …"));
    }

    @Test
    void nothingOnStderrIsSaid() {
        assertThat(StderrCause.suffix(List.of())).isEqualTo(", with nothing on stderr");
        assertThat(StderrCause.suffix(List.of("  ", ""))).isEqualTo(", with nothing on stderr");
        assertThat(StderrCause.suffix(List.of("boom"))).isEqualTo(": boom");
    }
}
