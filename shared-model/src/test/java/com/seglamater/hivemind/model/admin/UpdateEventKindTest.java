package com.seglamater.hivemind.model.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpdateEventKindTest {

    private final ObjectMapper json = AdminJson.mapper();

    @Test
    void everyFixedKindIsReadBackFromItsWireName() {
        for (UpdateEventKind.Fixed kind : UpdateEventKind.Fixed.values()) {
            assertThat(UpdateEventKind.of(kind.wireName())).isSameAs(kind);
        }
    }

    @Test
    void theWireNamesAreTheOnesTheAgentHasAlwaysSent() {
        assertThat(Arrays.stream(UpdateEventKind.Fixed.values()).map(UpdateEventKind::wireName)).containsExactlyInAnyOrder(
                "check", "rejected", "restored", "apply-started", "rollback-requested", "backed-up", "pulled",
                "database-restored", "handoff", "applied", "apply-stopped", "apply-interrupted", "rollback-started",
                "rollback-handoff", "rolled-back", "rollback-failed");
    }

    @Test
    void failuresAreTheKindsThatReportAnUpdateRollbackOrCheckThatDidNotWork() {
        assertThat(Arrays.stream(UpdateEventKind.Fixed.values()).filter(UpdateEventKind::failure)
                .map(UpdateEventKind::wireName)).containsExactlyInAnyOrder("rejected", "apply-stopped",
                "apply-interrupted", "rollback-started", "rollback-handoff", "rolled-back", "rollback-failed");
    }

    @Test
    void aRestartNamesItsServiceAndIsNoFailure() {
        UpdateEventKind kind = UpdateEventKind.of("restarted-hivemind-server");
        assertThat(kind).isEqualTo(new UpdateEventKind.Restarted("hivemind-server"));
        assertThat(kind.wireName()).isEqualTo("restarted-hivemind-server");
        assertThat(kind.failure()).isFalse();
    }

    @Test
    void anUnknownNameIsKeptVerbatimAndCountsAsAFailure() {
        for (String name : new String[]{"apply-failed", "Rolled-Back", "restarted-", "restarted-bad service", "", "ß"}) {
            UpdateEventKind kind = UpdateEventKind.of(name);
            assertThat(kind).as(name).isInstanceOf(UpdateEventKind.Unknown.class);
            assertThat(kind.wireName()).isEqualTo(name);
            assertThat(kind.failure()).as(name).isTrue();
        }
        assertThatThrownBy(() -> new UpdateEventKind.Unknown("rolled-back")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UpdateEventKind.Unknown("restarted-hivemind-db"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onTheWireAKindIsItsNameAndAnyNameIsRead() throws Exception {
        for (UpdateEventKind kind : new UpdateEventKind[]{UpdateEventKind.Fixed.ROLLED_BACK,
                new UpdateEventKind.Restarted("hivemind-db"), UpdateEventKind.of("from-a-newer-agent")}) {
            UpdateEvent event = new UpdateEvent("evt", Instant.parse("2026-11-24T08:00:00Z"), kind, Optional.empty(),
                    Optional.empty(), Optional.empty(), "m");
            String text = json.writeValueAsString(event);
            assertThat(text).isEqualTo("{\"id\":\"evt\",\"at\":\"2026-11-24T08:00:00Z\",\"kind\":\"" + kind.wireName()
                    + "\",\"fromVersion\":null,\"toVersion\":null,\"code\":null,\"message\":\"m\"}");
            assertThat(json.readValue(text, UpdateEvent.class)).isEqualTo(event);
        }
    }

    @Test
    void aKindThatIsNotAStringIsRefused() {
        for (String kind : new String[]{"1", "true", "null", "{}", "[\"check\"]"}) {
            assertThatThrownBy(() -> json.readValue("{\"id\":\"evt\",\"at\":\"2026-11-24T08:00:00Z\",\"kind\":" + kind
                    + ",\"message\":\"m\"}", UpdateEvent.class)).as(kind).hasMessageContaining("kind");
        }
    }
}
