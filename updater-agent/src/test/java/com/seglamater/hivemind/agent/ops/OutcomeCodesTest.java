package com.seglamater.hivemind.agent.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.state.LastCheck;
import com.seglamater.hivemind.agent.update.FailureCode;
import com.seglamater.hivemind.model.admin.AdminJson;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The outcome types keep the strings scripts and the server already read: {@code check --json}'s
 * {@code code}, {@code state.json}'s {@code lastCheck.result}, the control socket's answers, the
 * events' failure codes.
 */
class OutcomeCodesTest {

    private static final ObjectMapper JSON = AdminJson.mapper();

    @Test
    void wireNamesAreTheConstantsInLowerCase() {
        Stream.of(OperationCode.values(), CheckOutcome.values(), FailureCode.values()).flatMap(Arrays::stream)
                .forEach(code -> assertThat(code.toString()).isEqualTo(((Enum<?>) code).name().toLowerCase(Locale.ROOT)));
        for (OperationCode code : OperationCode.values()) {
            assertThat(code.wireName()).isEqualTo(code.toString());
        }
    }

    @Test
    void anOperationResultIsTheSameJsonAsBeforeAndReadBack() throws Exception {
        OperationResult result = new OperationResult("check", false, OperationCode.REJECTED,
                Optional.of("signature_rejected"), "refused", Optional.empty(), Optional.empty());

        String text = JSON.writeValueAsString(result);

        assertThat(text).isEqualTo("{\"operation\":\"check\",\"success\":false,\"code\":\"rejected\","
                + "\"reason\":\"signature_rejected\",\"message\":\"refused\",\"version\":null,\"file\":null}");
        assertThat(JSON.readValue(text, OperationResult.class)).isEqualTo(result);
        assertThatThrownBy(() -> JSON.readValue(text.replace("\"rejected\"", "\"exploded\""), OperationResult.class))
                .hasMessageContaining("exploded");
    }

    @Test
    void aLastCheckIsWrittenAndReadWithItsResultAsBefore() throws Exception {
        LastCheck check = new LastCheck(Instant.parse("2026-11-20T08:00:00Z"), CheckOutcome.UPDATE_AVAILABLE,
                Optional.empty(), "release 1.1.0 is available", Optional.of("1.1.0"), Optional.empty());

        String text = JSON.writeValueAsString(check);

        assertThat(text).contains("\"result\":\"update_available\"");
        assertThat(JSON.readValue(text, LastCheck.class)).isEqualTo(check);
        assertThatThrownBy(() -> JSON.readValue(text.replace("update_available", "UPDATE_AVAILABLE"), LastCheck.class))
                .as("a state file is read strictly").hasMessageContaining("UPDATE_AVAILABLE");
    }

    @Test
    void eachCheckOutcomeIsTheCheckOperationsCodeOfTheSameName() {
        for (CheckOutcome outcome : CheckOutcome.values()) {
            assertThat(outcome.operationCode().wireName()).isEqualTo(outcome.wireName());
        }
        assertThat(Arrays.stream(CheckOutcome.values()).filter(o -> !o.success()))
                .containsExactlyInAnyOrder(CheckOutcome.UNREACHABLE, CheckOutcome.REJECTED);
    }

    @Test
    void onlyFailuresOfTheRegistryOrTheHostAreRetriedAfterAWhile() {
        assertThat(Arrays.stream(FailureCode.values()).filter(FailureCode::retryable))
                .containsExactlyInAnyOrder(FailureCode.PULL_FAILED, FailureCode.STATE_ERROR, FailureCode.NO_SPACE);
    }

    @Test
    void theOperatorsGuideNamesEveryCode() throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "updating.md"));
        Stream.of(OperationCode.values(), CheckOutcome.values(), FailureCode.values()).flatMap(Arrays::stream)
                .filter(code -> code != FailureCode.ROLLED_BACK && code != OperationCode.NOTHING_TO_DO
                        && code != OperationCode.HANDED_OFF && code != OperationCode.BAD_REQUEST)
                .forEach(code -> assertThat(guide).as("docs/updating.md").contains("`" + code + "`"));
    }
}
