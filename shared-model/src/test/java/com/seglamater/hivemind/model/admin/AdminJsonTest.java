package com.seglamater.hivemind.model.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminJsonTest {

    private final ObjectMapper json = AdminJson.mapper();

    @Test
    void updateEventRoundTripsWithInstantsAsTextAndAbsentOptionals() throws Exception {
        UpdateEvent event = new UpdateEvent("evt-1", Instant.parse("2026-11-24T08:00:00Z"), UpdateEventKind.Fixed.REJECTED,
                Optional.of("0.1.6"), Optional.empty(), Optional.of("sequence_rollback"), "older statement refused");
        String text = json.writeValueAsString(event);
        assertThat(text).contains("\"at\":\"2026-11-24T08:00:00Z\"").contains("\"code\":\"sequence_rollback\"")
                .contains("\"kind\":\"rejected\"");
        assertThat(json.readValue(text, UpdateEvent.class)).isEqualTo(event);
    }

    @Test
    void operatorCommandAndResultRoundTrip() throws Exception {
        OperatorCommand command = new OperatorCommand(7, OperatorCommand.Kind.ROLLBACK, Optional.empty(), "alice",
                Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(json.readValue(json.writeValueAsString(command), OperatorCommand.class)).isEqualTo(command);
        OperatorCommand approve = new OperatorCommand(8, OperatorCommand.Kind.APPROVE, Optional.of("0.1.7"), "alice",
                Instant.parse("2026-11-24T08:00:00Z"));
        PendingCommands pending = new PendingCommands(java.util.List.of(command, approve));
        assertThat(json.readValue(json.writeValueAsString(pending), PendingCommands.class)).isEqualTo(pending);
        CommandResult result = new CommandResult(7, true, "rolled back to 0.1.6");
        assertThat(json.readValue(json.writeValueAsString(result), CommandResult.class)).isEqualTo(result);
        ServerStatus status = new ServerStatus("DRAINING", "0.1.7", 2);
        assertThat(json.readValue(json.writeValueAsString(status), ServerStatus.class)).isEqualTo(status);
    }

    @Test
    void agentStatusRoundTripsAndRefusesAnUnknownState() throws Exception {
        AgentStatus status = new AgentStatus("canary", Optional.of("0.1.6"), AgentStatus.State.APPLYING,
                Optional.of("pulling"), Optional.of(Instant.parse("2026-11-24T08:00:00Z")), Optional.of("update_available"),
                Optional.of("0.1.7"), Optional.of("Fixes the login loop."), false, Optional.empty(), Optional.empty(),
                Instant.parse("2026-11-24T08:00:05Z"));
        String text = json.writeValueAsString(status);
        assertThat(text).contains("\"state\":\"APPLYING\"").contains("\"reportedAt\":\"2026-11-24T08:00:05Z\"");
        assertThat(json.readValue(text, AgentStatus.class)).isEqualTo(status);
        assertThatThrownBy(() -> json.readValue(text.replace("APPLYING", "EXPLODING"), AgentStatus.class))
                .hasMessageContaining("EXPLODING");
        assertThatThrownBy(() -> json.readValue(text.replace("\"channel\":\"canary\",", ""), AgentStatus.class))
                .hasMessageContaining("channel");
    }

    @Test
    void agentStatusLeavesOutAbsentReleaseNotesSoThatAnOlderServerTakesIt() throws Exception {
        AgentStatus status = new AgentStatus("canary", Optional.of("0.1.6"), AgentStatus.State.IDLE, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("0.1.7"), Optional.empty(), false, Optional.empty(),
                Optional.empty(), Instant.parse("2026-11-24T08:00:05Z"));
        String text = json.writeValueAsString(status);
        assertThat(text).doesNotContain("availableNotes").contains("\"warning\":null");
        assertThat(json.readValue(text, AgentStatus.class)).isEqualTo(status);
        assertThat(json.readValue(text.replace("}", ",\"availableNotes\":null}"), AgentStatus.class)).isEqualTo(status);
    }

    @Test
    void refusesNumbersAndBooleansForTextAndNumbersForEnums() {
        assertThatThrownBy(() -> json.readValue("{\"status\":\"UP\",\"version\":100,\"inFlight\":0}",
                ServerStatus.class)).hasMessageContaining("version");
        assertThatThrownBy(() -> json.readValue("{\"status\":true,\"version\":\"1.0.0\",\"inFlight\":0}",
                ServerStatus.class)).hasMessageContaining("status");
        assertThatThrownBy(() -> json.readValue("{\"commandId\":1,\"success\":true,\"message\":1.5}",
                CommandResult.class)).hasMessageContaining("message");
        assertThatThrownBy(() -> json.readValue("{\"id\":1,\"kind\":0,\"requestedBy\":\"a\","
                + "\"requestedAt\":\"2026-11-24T08:00:00Z\"}", OperatorCommand.class)).hasMessageContaining("kind");
    }

    @Test
    void refusesContentAfterTheValue() {
        assertThatThrownBy(() -> json.readValue("{\"idle\":true,\"inFlight\":0} {\"idle\":false,\"inFlight\":1}",
                DrainResult.class)).hasMessageContaining("Trailing token");
        assertThatThrownBy(() -> json.readTree("{\"idle\":true} garbage")).isInstanceOf(Exception.class);
    }

    @Test
    void drainResultRoundTrips() throws Exception {
        DrainResult result = new DrainResult(false, 3);
        String text = json.writeValueAsString(result);
        assertThat(text).isEqualTo("{\"idle\":false,\"inFlight\":3}");
        assertThat(json.readValue(text, DrainResult.class)).isEqualTo(result);
    }

    @Test
    void refusesUnknownFieldsAndMissingRequiredOnes() {
        assertThatThrownBy(() -> json.readValue("{\"commandId\":1,\"success\":true,\"message\":\"x\",\"extra\":1}",
                CommandResult.class)).isInstanceOf(UnrecognizedPropertyException.class);
        assertThatThrownBy(() -> json.readValue("{\"status\":\"UP\",\"inFlight\":0}", ServerStatus.class))
                .hasMessageContaining("version");
        assertThatThrownBy(() -> json.readValue("{\"id\":1,\"kind\":\"REBOOT\",\"requestedBy\":\"a\","
                + "\"requestedAt\":\"2026-11-24T08:00:00Z\"}", OperatorCommand.class))
                .hasMessageContaining("REBOOT");
    }

    @Test
    void refusesCoercionAndDuplicateFields() {
        assertThatThrownBy(() -> json.readValue("{\"status\":\"UP\",\"version\":\"1.0.0\",\"inFlight\":\"3\"}",
                ServerStatus.class)).hasMessageContaining("inFlight");
        assertThatThrownBy(() -> json.readValue("{\"status\":\"UP\",\"version\":\"1.0.0\",\"inFlight\":3.9}",
                ServerStatus.class)).hasMessageContaining("inFlight");
        assertThatThrownBy(() -> json.readValue(
                "{\"status\":\"UP\",\"status\":\"DOWN\",\"version\":\"1.0.0\",\"inFlight\":0}", ServerStatus.class))
                .hasMessageContaining("Duplicate field 'status'");
        assertThatThrownBy(() -> json.readValue("{\"id\":1,\"kind\":\"APPLY\",\"requestedBy\":\"a\","
                + "\"requestedAt\":1700000000}", OperatorCommand.class)).hasMessageContaining("requestedAt");
    }
}
