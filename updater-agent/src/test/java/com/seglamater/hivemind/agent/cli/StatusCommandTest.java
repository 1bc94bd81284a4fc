package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.testing.InProcessCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.agent.control.ControlServer;
import com.seglamater.hivemind.agent.ops.CheckOutcome;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.FailedRelease;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.LastCheck;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.testing.ScriptedOperations;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import com.seglamater.hivemind.model.admin.AdminJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StatusCommandTest {

    private static final String SERVER_123 = "ghcr.io/seglamater/hivemind-server@sha256:" + "1".repeat(64);
    private static final String UPDATER_123 = "ghcr.io/seglamater/hivemind-updater@sha256:" + "2".repeat(64);
    private static final String SERVER_130 = "ghcr.io/seglamater/hivemind-server@sha256:" + "3".repeat(64);
    private static final Release V122 = new Release("1.2.2", Map.of("hivemind-server", SERVER_123),
            Optional.empty(), Optional.empty());
    private static final Release V123 = new Release("1.2.3",
            Map.of("hivemind-server", SERVER_123, "hivemind-updater", UPDATER_123), Optional.of("17"), Optional.empty());
    private static final Release V130 = new Release("1.3.0", Map.of("hivemind-server", SERVER_130),
            Optional.empty(), Optional.empty());

    private final ShortTempDir dir = new ShortTempDir();
    private final Updater updater = Updater.in(dir.path());
    private final StateStore store = new StateStore(dir.path());

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    private void prepareAnUpdateInProgress() throws Exception {
        AgentState state = AgentState.EMPTY
                .withTrust("canary", new ChannelTrust(41, "ab".repeat(32), "1.3.0", Instant.parse("2026-12-01T00:00:00Z"),
                        Map.of("hivemind-server", SERVER_130), Optional.of("\"e41\""), Optional.empty()))
                .withInstalled(V122).withInstalled(V123)
                .withLastCheck(new LastCheck(Instant.parse("2026-11-20T08:00:00Z"), CheckOutcome.UPDATE_AVAILABLE, Optional.empty(),
                        "canary offers 1.3.0", Optional.of("1.3.0"), Optional.of("channel stale or frozen")))
                .withLastError(Optional.of("backup failed: pg_dump exited with 1"))
                .withFailed(Optional.of(new FailedRelease("canary", 40, "1.2.9", Map.of(), "hivemind-server unhealthy",
                        Instant.parse("2026-11-19T10:00:00Z"), Optional.empty())));
        store.save(state);
        store.saveJournal(new Journal("u-41", Journal.Kind.UPDATE, Journal.Step.RESTARTING, "canary", 41,
                Optional.of(V123), V130, List.of("hivemind-db", "hivemind-server", "hivemind-updater"), 1,
                Optional.of("/var/lib/hivemind/backups/x.dump"), Optional.of("17"), Optional.empty(),
                Instant.parse("2026-11-20T08:01:00Z"), java.util.Map.of()));
    }

    @Test
    void printsWhatTheStateAndJournalSay() throws Exception {
        prepareAnUpdateInProgress();

        InProcessCli.Result r = updater.run("status");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                channel:     canary (statement 41 offers 1.3.0, expires 2026-12-01T00:00:00Z)
                installed:   1.2.3
                  hivemind-server: %s
                  hivemind-updater: %s
                previous:    1.2.2 (what rollback returns to)
                last check:  2026-11-20T08:00:00Z update_available: canary offers 1.3.0
                available:   1.3.0
                warning:     channel stale or frozen
                update:      update 1.2.3 -> 1.3.0, step restarting, 1 of 3 services done (hivemind-db), \
                started 2026-11-20T08:01:00Z; interrupted: it resumes or rolls back when the updater starts
                last error:  backup failed: pg_dump exited with 1
                not retried: 1.2.9 (canary, statement 40) was rolled back at 2026-11-19T10:00:00Z: hivemind-server \
                unhealthy; it is not applied again until the channel publishes a newer statement ('check --apply' forces it)
                daemon:      not running
                """.formatted(SERVER_123, UPDATER_123));
        assertThat(updater.agents.localConfigs).as("status takes no lock").isEmpty();
    }

    @Test
    void withNoStateYetItSaysSo() {
        InProcessCli.Result r = updater.run("status");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("channel:     canary (no statement accepted yet)")
                .contains("installed:   unknown").contains("last check:  never").contains("update:      none in progress")
                .doesNotContain("last error").doesNotContain("not retried");
    }

    @Test
    void jsonHasEveryFieldAlwaysNullWhenAbsent() {
        InProcessCli.Result r = updater.run("status", "--json");

        assertThat(r.exitCode()).isZero();
        JsonNode json = readJson(r.out());
        assertThat(json.properties()).extracting(e -> e.getKey()).containsExactly("channel", "dataDir",
                "channelStatement", "installed", "previous", "lastCheck", "availableVersion", "warning", "update",
                "lastError", "failedRelease", "daemon");
        assertThat(json.get("channel").asText()).isEqualTo("canary");
        assertThat(json.get("dataDir").asText()).isEqualTo(dir.path().toString());
        for (String absent : List.of("channelStatement", "installed", "previous", "lastCheck", "availableVersion",
                "warning", "update", "lastError", "failedRelease")) {
            assertThat(json.get(absent).isNull()).as(absent).isTrue();
        }
        assertThat(json.get("daemon").asText()).isEqualTo("stopped");
    }

    @Test
    void jsonCarriesTheStateAndTheUpdateInProgress() throws Exception {
        prepareAnUpdateInProgress();

        try (ControlServer server = ControlServer.start(dir.path(), new ScriptedOperations())) {
            assertThat(server.socket()).as("the daemon listens").exists();
            JsonNode json = readJson(updater.run("status", "--json").out());

            assertThat(json.at("/channelStatement/sequence").asLong()).isEqualTo(41);
            assertThat(json.at("/channelStatement/version").asText()).isEqualTo("1.3.0");
            assertThat(json.at("/channelStatement/expires").asText()).isEqualTo("2026-12-01T00:00:00Z");
            assertThat(json.at("/installed/version").asText()).isEqualTo("1.2.3");
            assertThat(json.at("/installed/images/hivemind-updater").asText()).isEqualTo(UPDATER_123);
            assertThat(json.at("/installed/schemaVersion").asText()).isEqualTo("17");
            assertThat(json.at("/previous/version").asText()).isEqualTo("1.2.2");
            assertThat(json.at("/previous/schemaVersion").isNull()).isTrue();
            assertThat(json.at("/lastCheck/at").asText()).isEqualTo("2026-11-20T08:00:00Z");
            assertThat(json.at("/lastCheck/result").asText()).isEqualTo("update_available");
            assertThat(json.at("/lastCheck/code").isNull()).isTrue();
            assertThat(json.at("/lastCheck/message").asText()).isEqualTo("canary offers 1.3.0");
            assertThat(json.at("/availableVersion").asText()).isEqualTo("1.3.0");
            assertThat(json.at("/warning").asText()).isEqualTo("channel stale or frozen");
            assertThat(json.at("/update/kind").asText()).isEqualTo("update");
            assertThat(json.at("/update/step").asText()).isEqualTo("restarting");
            assertThat(json.at("/update/from").asText()).isEqualTo("1.2.3");
            assertThat(json.at("/update/to").asText()).isEqualTo("1.3.0");
            assertThat(json.at("/update/services").toString())
                    .isEqualTo("[\"hivemind-db\",\"hivemind-server\",\"hivemind-updater\"]");
            assertThat(json.at("/update/restarted").asInt()).isEqualTo(1);
            assertThat(json.at("/update/startedAt").asText()).isEqualTo("2026-11-20T08:01:00Z");
            assertThat(json.at("/update/failure").isNull()).isTrue();
            assertThat(json.at("/lastError").asText()).isEqualTo("backup failed: pg_dump exited with 1");
            assertThat(json.at("/failedRelease/version").asText()).isEqualTo("1.2.9");
            assertThat(json.at("/failedRelease/sequence").asLong()).isEqualTo(40);
            assertThat(json.at("/failedRelease/reason").asText()).isEqualTo("hivemind-server unhealthy");
            assertThat(json.at("/daemon").asText()).isEqualTo("running");
        }
    }

    @Test
    void aRunningDaemonIsShownAndTheUpdateIsNotCalledInterrupted() throws Exception {
        prepareAnUpdateInProgress();
        ScriptedOperations daemon = new ScriptedOperations();
        try (ControlServer server = ControlServer.start(dir.path(), daemon)) {
            assertThat(server.socket()).as("the daemon listens").exists();
            InProcessCli.Result r = updater.run("status");

            assertThat(r.out()).contains("daemon:      running").doesNotContain("interrupted");
        }
        assertThat(daemon.calls()).as("probing the daemon asks it nothing").isEmpty();
    }

    @Test
    void aFailedRollbackSaysTheStackNeedsAnOperator() throws Exception {
        store.saveJournal(new Journal("r-1", Journal.Kind.UPDATE, Journal.Step.ROLLBACK_FAILED, "canary", 41,
                Optional.of(V123), V130, List.of("hivemind-server"), 1, Optional.empty(), Optional.empty(),
                Optional.of("hivemind-server unhealthy"), Instant.parse("2026-11-20T08:01:00Z"), java.util.Map.of()));

        InProcessCli.Result r = updater.run("status");

        assertThat(r.out()).contains("step rollback_failed").contains("rolling back because: hivemind-server unhealthy")
                .contains("the stack needs an operator");
        assertThat(readJson(updater.run("status", "--json").out()).at("/update/step").asText())
                .isEqualTo("rollback_failed");
    }

    @Test
    void aStateFileThatCannotBeReadIsExit1OnOneLine() throws IOException {
        Files.writeString(dir.resolve(StateStore.STATE_FILE), "{\"channels\": ");

        InProcessCli.Result r = updater.run("status");

        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(r.errLines()).singleElement().asString().startsWith("hivemind-updater: " + dir.resolve("state.json")
                + " cannot be read");
    }

    private static JsonNode readJson(String text) {
        try {
            return AdminJson.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
